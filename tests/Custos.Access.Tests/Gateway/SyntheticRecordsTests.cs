using System.Net;
using Custos.Access.Domain;
using Custos.Access.Gateway;
using Custos.Formats;

namespace Custos.Access.Tests.Gateway;

public sealed class SyntheticRecordsTests
{
    private static readonly AccessDirectory Incident = new(WorldFile.Read(RepositoryPaths.IncidentWorld));

    [Fact]
    public void A_subjects_record_is_the_same_every_time()
    {
        var category = Incident.Category("network.ip_address")!;

        var once = SyntheticRecords.Generate("user:10042", category, Incident.Subject("user:10042"), []).ToJsonString();
        var again = SyntheticRecords.Generate("user:10042", category, Incident.Subject("user:10042"), []).ToJsonString();

        again.ShouldBe(once);
        SyntheticRecords.Generate("user:10043", category, Incident.Subject("user:10043"), []).ToJsonString().ShouldNotBe(once);
    }

    [Fact]
    public void Each_category_gets_data_its_mask_can_show_working()
    {
        var subject = Incident.Subject("user:10042")!;
        var contacts = Incident.ContactsOf(subject.Id);

        foreach (var category in Incident.Categories)
        {
            var value = SyntheticRecords.Generate(subject.Id, category, subject, contacts);
            switch (category.Mask)
            {
                case MaskKind.IpPrefix:
                    foreach (var ip in value.AsArray())
                    {
                        IPAddress.TryParse(ip!.GetValue<string>(), out var address).ShouldBeTrue();
                        address.ShouldNotBeNull();
                    }
                    break;
                case MaskKind.City:
                    Math.Abs(value["lat"]!.GetValue<double>() - 42).ShouldBeLessThan(30, "near a US city");
                    break;
                case MaskKind.Count:
                    value.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(contacts);
                    break;
                case MaskKind.Partial:
                    value["email"]!.GetValue<string>().ShouldContain("@");
                    break;
                default:
                    value.ShouldNotBeNull();
                    break;
            }
        }
    }

    [Fact]
    public async Task The_demo_store_holds_every_subject_and_reads_back_what_was_asked()
    {
        var path = Path.Combine(Path.GetTempPath(), $"custos-records-{Guid.NewGuid():n}.db");
        try
        {
            var source = await SqliteRecordSource.OpenAsync(path, Incident, TestContext.Current.CancellationToken);

            var values = await source.ReadAsync("user:10042", ["network.ip_address", "social.graph", "no.such.category"], TestContext.Current.CancellationToken);

            values.Keys.Order().ShouldBe(["network.ip_address", "social.graph"]);
            values["social.graph"]!.AsArray().Count.ShouldBe(Incident.ContactsOf("user:10042").Count);

            // Reopening keeps what is there.
            var reopened = await SqliteRecordSource.OpenAsync(path, Incident, TestContext.Current.CancellationToken);
            (await reopened.ReadAsync("user:10042", ["network.ip_address"], TestContext.Current.CancellationToken))["network.ip_address"]!.ToJsonString()
                .ShouldBe(values["network.ip_address"]!.ToJsonString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
