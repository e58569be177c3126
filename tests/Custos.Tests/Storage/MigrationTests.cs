using Custos.Storage;

namespace Custos.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public void The_embedded_migrations_are_numbered_from_one_without_gaps()
    {
        var migrations = Migration.FromResources(typeof(EmbeddedStore).Assembly, "Custos.Storage.Migrations.");

        migrations.Select(m => m.Version).ShouldBe(Enumerable.Range(1, migrations.Count));
        migrations.ShouldAllBe(m => !string.IsNullOrWhiteSpace(m.Name) && !string.IsNullOrWhiteSpace(m.Sql));
    }

    [Fact]
    public void The_checksum_changes_with_the_script()
    {
        new Migration(1, "a", "CREATE TABLE t (x)").Checksum
            .ShouldNotBe(new Migration(1, "a", "CREATE TABLE t (y)").Checksum);
    }
}
