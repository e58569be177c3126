using System.Diagnostics;
using Custos.Access.Decisions;

namespace Custos.Access.Benchmarks;

/// <summary>
/// CPU time per decision, in process, with an in-memory ledger: the cost of resolving,
/// evaluating, building and canonicalising the entry and hashing it into the tree — everything
/// but the durable commit. Measured as process CPU time over many decisions from one caller.
/// </summary>
internal static class CpuPerDecision
{
    public static async Task RunAsync(int decisions)
    {
        var (pipeline, log) = await Workload.InMemoryPipelineAsync();
        await using (log)
        {
            // Warm up: JIT, tiered compilation, caches.
            await RunAsync(pipeline, 20_000);

            for (var round = 1; round <= 3; round++)
            {
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                await RunAsync(pipeline, decisions);
                wall.Stop();
                process.Refresh();
                var cpu = process.TotalProcessorTime - cpuBefore;
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                Console.WriteLine(
                    $"round {round}: {decisions:N0} decisions in {wall.Elapsed.TotalSeconds:F2} s wall = {decisions / wall.Elapsed.TotalSeconds:N0}/s; " +
                    $"CPU {cpu.TotalMicroseconds / decisions:F1} µs per decision; {allocated / decisions:N0} B allocated per decision");
            }
        }
    }

    private static async Task RunAsync(DecisionPipeline pipeline, int decisions)
    {
        for (var i = 0; i < decisions; i++)
        {
            var read = Workload.Mix[i % Workload.Mix.Length];
            await pipeline.DecideAsync(new ReaderIdentity(read.Reader, read.Location), read.Request, DecisionMode.Pdp);
        }
    }
}
