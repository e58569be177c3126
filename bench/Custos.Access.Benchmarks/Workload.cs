using Custos.Access;
using Custos.Access.Decisions;
using Custos.Access.Policies;
using Custos.Formats;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;

namespace Custos.Access.Benchmarks;

/// <summary>
/// The requests a platform sends Custos, drawn from the demo world: support agents on their
/// tickets (two categories, one masked), investigators on their cases (five categories), and
/// the incident's refused reads (protected subjects, residency, cases that do not name them).
/// </summary>
internal static class Workload
{
    public sealed record Read(string Reader, string Location, DecisionRequest Request);

    public static readonly Read[] Mix =
    [
        new("staff:jules", "US", new("user:40002", ["profile.basic", "profile.contact"], "customer-support", "case:SUP-1001")),
        new("staff:maya", "US", new("user:40005", ["profile.basic"], "customer-support", "case:SUP-1001")),
        new("staff:jules", "US", new("user:40010", ["profile.basic", "profile.contact"], "customer-support", "case:SUP-1001")),
        new("staff:sean", "IE", new("user:40016", ["profile.basic", "profile.contact"], "customer-support", "case:SUP-1002")),
        new("staff:amara", "US", new("user:40065", ["profile.basic", "network.ip_address", "location.precise", "social.graph", "messages.content"], "trust-safety-investigation", "case:TS-2001")),
        new("staff:rosa", "US", new("user:40066", ["network.ip_address"], "trust-safety-investigation", "case:TS-2001")),
        new("staff:amara", "US", new("user:40077", ["network.ip_address", "location.precise", "profile.basic"], "fraud-prevention", "case:FR-3001")),
        new("staff:wei", "CN", new("user:10042", ["network.ip_address"], "internal-audit", "case:IA-7")),
        new("staff:mason", "US", new("user:10077", ["network.ip_address"], "internal-audit", "case:IA-7")),
        new("staff:jules", "US", new("user:40002", ["profile.basic", "network.ip_address"], "customer-support", "case:SUP-1001")),
    ];

    public static string SamplesDirectory { get; } = FindSamples();

    /// <summary>What the pipeline's decisions name as their world's hash.</summary>
    public const string WorldSha256 = "benchmark";

    /// <summary>The pipeline over the demo world, with an in-memory ledger: everything but the durable commit.</summary>
    public static async Task<(DecisionPipeline Pipeline, MerkleLog Log)> InMemoryPipelineAsync()
    {
        var world = WorldFile.Read(Path.Combine(SamplesDirectory, "world.json"));
        var policies = AccessPolicies.FromDirectory(Path.Combine(SamplesDirectory, "policies"));
        var state = new AccessStateHolder();
        state.Set(new AccessState(world, WorldSha256, policies));
        var log = await MerkleLog.CreateAsync(new MemoryLedgerStore(), new LedgerMetadata("bench.local/ledger", "bench.local/ledger+00000000+AQ=="));
        var pipeline = new DecisionPipeline(state, new MerkleLogLedger(log), NoWorkflow.Instance, TimeProvider.System, []);
        return (pipeline, log);
    }

    private static string FindSamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var samples = Path.Combine(directory.FullName, "samples", "incident");
            if (File.Exists(Path.Combine(samples, "world.json")))
            {
                return samples;
            }
        }
        throw new InvalidOperationException("samples/incident not found above " + AppContext.BaseDirectory);
    }
}
