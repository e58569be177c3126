using Custos.Access.Storage;

namespace Custos.Access.Tests.Storage;

public sealed class MigrationTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public void Each_dialect_has_the_same_migrations_numbered_from_one_without_gaps(string dialect)
    {
        var migrations = Migration.FromResources(typeof(AccessStore).Assembly, $"Custos.Access.Storage.Migrations.{dialect}/");
        var sqlite = Migration.FromResources(typeof(AccessStore).Assembly, "Custos.Access.Storage.Migrations.Sqlite/");

        migrations.Count.ShouldBeGreaterThan(0);
        migrations.Select(m => m.Version).ShouldBe(Enumerable.Range(1, migrations.Count));
        migrations.Select(m => m.Name).ShouldBe(sqlite.Select(m => m.Name), "both dialects evolve together");
        migrations.ShouldAllBe(m => !string.IsNullOrWhiteSpace(m.Sql));
    }

    [Fact]
    public void The_checksum_changes_with_the_script()
    {
        new Migration(1, "a", "CREATE TABLE t (x)").Checksum
            .ShouldNotBe(new Migration(1, "a", "CREATE TABLE t (y)").Checksum);
    }
}
