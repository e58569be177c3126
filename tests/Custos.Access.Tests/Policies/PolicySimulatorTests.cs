using System.Text.Json;
using Custos.Access.Decisions;
using Custos.Access.Policies;
using Custos.Access.Storage;
using Custos.Access.Workflow;
using Custos.Formats;
using Custos.Ledger.Log;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;

namespace Custos.Access.Tests.Policies;

/// <summary>
/// What-if against history on a recorded history with a known answer: the incident world's reads
/// by every case's people, decided and ledgered by the real pipeline, with a grant in the middle
/// of it; then replayed under the same policies and under one that masks a category for one
/// department.
/// </summary>
public sealed class PolicySimulatorTests
{
    /// <summary>The sample change: a forbid that masks social graphs for trust and safety.</summary>
    private static readonly string MaskSocialGraphForTrustSafety =
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "samples", "incident", "what-if", "80-ts-social-graph-masked.cedar"));

    private static readonly string PolicyDirectory = RepositoryPaths.IncidentPolicies;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_policies_change_no_decision()
    {
        var history = await History.RecordAsync();

        var report = await history.SimulateAsync(AccessPolicies.FromDirectory(PolicyDirectory));

        report.Replayed.ShouldBe(history.Decisions.Count);
        report.Changed.ShouldBe(0);
        report.NotReplayable.ShouldBe(0);
        report.Outcomes.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_policy_that_masks_a_category_for_one_department_changes_exactly_those_decisions()
    {
        var history = await History.RecordAsync();
        var expected = history.Decisions
            .Where(d => d.Entry.ReaderDepartment == "dept:trust-safety" && d.Entry.Categories.TryGetValue("social.graph", out var c) && c.Effect == "raw")
            .Select(d => d.Index)
            .ToHashSet();
        expected.Count.ShouldBeGreaterThan(3, "the history holds trust-and-safety reads of social graphs");
        history.Decisions.ShouldContain(d => d.Entry.Subject == History.ProtectedSubject && expected.Contains(d.Index),
            "one of them is a protected subject's, read under the grant");

        var report = await history.SimulateAsync(Proposed(MaskSocialGraphForTrustSafety));

        report.Replayed.ShouldBe(history.Decisions.Count);
        report.Changed.ShouldBe(expected.Count);
        report.Categories.ShouldBe(new Dictionary<string, long> { ["raw→masked"] = expected.Count });
        report.Outcomes.Values.Sum().ShouldBe(expected.Count);
        report.Outcomes.Keys.ShouldAllBe(k => k == "allow→allow" || k == "partial→partial", "masking leaves every category readable");
        report.ByPolicy.Select(g => (g.Key, g.Changed)).ShouldBe([("ts-social-graph-masked", expected.Count)]);
        report.ByDepartment.Select(g => (g.Key, g.Changed)).ShouldBe([("dept:trust-safety", expected.Count)]);
        report.ByPurpose.Sum(g => g.Changed).ShouldBe(expected.Count);
        var classes = WorldFile.Read(RepositoryPaths.IncidentWorld).Subjects.Single(s => s.Id == History.ProtectedSubject).Protected;
        report.ByProtectedClass.Select(g => g.Key).ShouldBe([.. classes.Append(SimulationReport.None)], ignoreOrder: true);
        var examples = report.ByPurpose.Concat(report.ByPolicy).Concat(report.ByDepartment).Concat(report.ByProtectedClass).SelectMany(g => g.Examples).ToList();
        examples.ShouldAllBe(e => expected.Contains(e.LedgerIndex));
        examples.ShouldAllBe(e => e.Changes.Count == 1 && e.Changes[0].Category == "social.graph");
        report.ByPolicy[0].Examples.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Without_the_ledgered_policy_set_every_decision_is_decided_in_full_with_the_same_answer()
    {
        var history = await History.RecordAsync();
        var proposed = Proposed(MaskSocialGraphForTrustSafety);

        var quick = await history.SimulateAsync(proposed);
        var full = await history.SimulateAsync(proposed, withPolicyDocuments: false);

        full.Changed.ShouldBe(quick.Changed);
        full.Categories.ShouldBe(quick.Categories);
        full.ByDepartment.Select(g => g.Key).ShouldBe(quick.ByDepartment.Select(g => g.Key));
    }

    [Fact]
    public async Task Only_decisions_of_the_period_are_replayed_and_a_forgotten_world_is_counted()
    {
        var history = await History.RecordAsync();
        var since = history.Decisions[history.Decisions.Count / 2].Entry.Time;

        var report = await history.SimulateAsync(AccessPolicies.FromDirectory(PolicyDirectory), since);
        report.Replayed.ShouldBe(history.Decisions.Count(d => d.Entry.Time >= since));

        var forgotten = await new PolicySimulator(AccessPolicies.FromDirectory(PolicyDirectory), (_, _) => Task.FromResult<byte[]?>(null))
            .RunAsync(history.Log.Store.ReadLeavesAsync(0, history.Log.Size, Cancellation), DateTimeOffset.MinValue, Cancellation);
        forgotten.Replayed.ShouldBe(0);
        forgotten.NotReplayable.ShouldBe(history.Decisions.Count);
    }

    private static AccessPolicies Proposed(string extra)
    {
        var files = Directory.EnumerateFiles(PolicyDirectory, "*.cedar").ToDictionary(p => Path.GetFileName(p), File.ReadAllText, StringComparer.Ordinal);
        files["80-proposed.cedar"] = extra;
        return AccessPolicies.FromFiles(files);
    }

    /// <summary>A ledger of decisions made by the pipeline over the incident world, with the documents it names.</summary>
    private sealed class History
    {
        public const string ProtectedSubject = "user:30001";

        public required MerkleLog Log { get; init; }

        public required Dictionary<string, byte[]> Documents { get; init; }

        public required string PolicySetSha256 { get; init; }

        public List<(long Index, DecisionEntry Entry)> Decisions { get; } = [];

        public Task<SimulationReport> SimulateAsync(AccessPolicies proposed, DateTimeOffset? since = null, bool withPolicyDocuments = true) =>
            new PolicySimulator(proposed, (sha, _) => Task.FromResult(withPolicyDocuments || sha != PolicySetSha256 ? Documents.GetValueOrDefault(sha) : null))
                .RunAsync(Log.Store.ReadLeavesAsync(0, Log.Size, Cancellation), since ?? DateTimeOffset.MinValue, Cancellation);

        public static async Task<History> RecordAsync()
        {
            var worldBytes = File.ReadAllBytes(RepositoryPaths.IncidentWorld);
            var world = WorldFile.Read(worldBytes, "world.json");
            var policies = AccessPolicies.FromDirectory(PolicyDirectory);
            var worldSha = AccessStore.Sha256(worldBytes);
            var holder = new AccessStateHolder();
            holder.Set(new AccessState(world, worldSha, policies));
            var workflow = new AccessWorkflow(holder);
            var log = await MerkleLog.CreateAsync(new MemoryLedgerStore(), new LedgerMetadata("test.local/ledger", "test.local/ledger+00000000+AQ=="));
            var ledger = new MerkleLogLedger(log);
            var clock = new StepClock(new DateTimeOffset(2026, 6, 3, 9, 0, 0, TimeSpan.Zero));
            var pipeline = new DecisionPipeline(holder, ledger, workflow, clock, []);
            var history = new History { Log = log, Documents = new() { [worldSha] = worldBytes, [policies.Sha256] = policies.Document }, PolicySetSha256 = policies.Sha256 };

            async Task ReadAsync(string reader, string location, string subject, IReadOnlyList<string> categories, string purpose, string? @case)
            {
                var decision = await pipeline.DecideAsync(new ReaderIdentity(reader, location), new DecisionRequest(subject, categories, purpose, @case), DecisionMode.Pdp, Cancellation);
                history.Decisions.Add((decision.LedgerIndex, (DecisionEntry)LedgerEntry.Parse(await ledger.ReadEntryAsync(decision.LedgerIndex, Cancellation))));
            }

            async Task EveryCaseAsync()
            {
                foreach (var @case in world.Cases)
                {
                    var purpose = world.Purposes.Single(p => p.Id == @case.Purpose);
                    foreach (var reader in @case.Members.Prepend(@case.Owner))
                    {
                        var home = world.Staff.Single(s => s.Id == reader).Jurisdiction;
                        foreach (var subject in @case.Subjects)
                        {
                            await ReadAsync(reader, home, subject, [.. purpose.Categories.Append("profile.basic").Distinct()], purpose.Id, @case.Id);
                            await ReadAsync(reader, "CN", subject, ["social.graph"], purpose.Id, @case.Id);
                        }
                    }
                }
            }

            await EveryCaseAsync();
            // A grant in the middle of the history: the protected subject's reads after it are allowed, and replay must know it.
            var grant = new WorkflowEntries.GrantEntry
            {
                Id = "grt-1",
                Time = clock.GetUtcNow(),
                Reader = "staff:amara",
                Subjects = [ProtectedSubject],
                Categories = ["social.graph", "profile.basic"],
                Purpose = "trust-safety-investigation",
                Case = "case:TS-2001",
                ExpiresAt = clock.GetUtcNow().AddHours(8),
                BreakGlass = false,
            };
            workflow.Apply(await ledger.AppendAsync(grant.Serialize(), Cancellation), grant, _ => null);
            await EveryCaseAsync();
            return history;
        }
    }

    /// <summary>A clock that moves a second each time it is read, so that decisions have distinct times in ledger order.</summary>
    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }
}
