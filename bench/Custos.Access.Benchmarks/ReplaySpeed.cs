using System.Diagnostics;
using Custos.Access.Decisions;
using Custos.Access.Policies;

namespace Custos.Access.Benchmarks;

/// <summary>
/// What-if against history (issue 16): ledgered decisions replayed per CPU-second under a
/// proposed policy set. Records a history of the workload mix with the in-memory pipeline, then
/// replays it, on one thread, under three proposals: the same set (nothing changed), a set with
/// one forbid added (masking social graphs for trust and safety: the changed policy is probed on
/// every decision, and the decisions it touches are decided in full), and the same forbid with the
/// ledgered set withheld, so that every decision is decided in full (the slow path, for reference).
/// </summary>
internal static class ReplaySpeed
{
    public static async Task RunAsync(int decisions)
    {
        var (pipeline, log) = await Workload.InMemoryPipelineAsync();
        await using (log)
        {
            for (var i = 0; i < decisions; i++)
            {
                var read = Workload.Mix[i % Workload.Mix.Length];
                await pipeline.DecideAsync(new ReaderIdentity(read.Reader, read.Location), read.Request, DecisionMode.Pdp);
            }
            var world = await File.ReadAllBytesAsync(Path.Combine(Workload.SamplesDirectory, "world.json"));
            var current = AccessPolicies.FromDirectory(Path.Combine(Workload.SamplesDirectory, "policies"));
            var forbid = await File.ReadAllTextAsync(Path.Combine(Workload.SamplesDirectory, "what-if", "80-ts-social-graph-masked.cedar"));
            var files = new Dictionary<string, string>(current.Files, StringComparer.Ordinal) { ["80-proposed.cedar"] = forbid };
            var proposed = AccessPolicies.FromFiles(files);

            Task<byte[]?> Documents(string sha256, bool withPolicies) => Task.FromResult(
                sha256 == Workload.WorldSha256 ? world : withPolicies && sha256 == current.Sha256 ? current.Document : null);

            foreach (var (name, set, withPolicies) in new[] { ("same set", current, true), ("one forbid added", proposed, true), ("one forbid added, decided in full", proposed, false) })
            {
                for (var round = 1; round <= 3; round++)
                {
                    var simulator = new PolicySimulator(set, (sha, _) => Documents(sha, withPolicies));
                    var process = Process.GetCurrentProcess();
                    var cpuBefore = process.TotalProcessorTime;
                    var wall = Stopwatch.StartNew();
                    var report = await simulator.RunAsync(log.Store.ReadLeavesAsync(0, log.Size), DateTimeOffset.MinValue);
                    wall.Stop();
                    process.Refresh();
                    var cpu = process.TotalProcessorTime - cpuBefore;
                    Console.WriteLine(
                        $"{name}, round {round}: {report.Replayed:N0} decisions replayed ({report.Changed:N0} change) in {wall.Elapsed.TotalSeconds:F2} s wall, " +
                        $"{cpu.TotalSeconds:F2} s CPU = {report.Replayed / cpu.TotalSeconds:N0} per CPU-second");
                }
            }
        }
    }
}
