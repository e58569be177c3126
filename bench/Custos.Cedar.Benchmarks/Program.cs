using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Custos.Cedar;
using Custos.Cedar.Benchmarks;
using Custos.Cedar.Conformance;

// `quick` measures without BenchmarkDotNet (seconds, not minutes): percentiles of single
// authorizations, allocated bytes per authorization, and corpus throughput. Anything else
// goes to BenchmarkDotNet (e.g. `--filter '*'`).
if (args is ["quick", ..])
{
    Quick();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(AuthorizationBenchmarks).Assembly).Run(args);

static void Quick()
{
    var world = new GovernanceWorld();
    var requests = world.Requests;
    var allowed = requests.Count(r => Authorizer.IsAuthorized(r, world.Policies, world.Entities).IsAllowed);
    Console.WriteLine($"governance: {world.Policies.Policies.Count} policies, {world.Entities.Count} entities, {requests.Length} requests ({allowed} allowed)");

    // Warm up, then time each authorization alone.
    for (var i = 0; i < 200_000; i++)
    {
        Authorizer.IsAuthorized(requests[i & (requests.Length - 1)], world.Policies, world.Entities);
    }
    const int samples = 200_000;
    var ticks = new long[samples];
    for (var i = 0; i < samples; i++)
    {
        var start = Stopwatch.GetTimestamp();
        Authorizer.IsAuthorized(requests[i & (requests.Length - 1)], world.Policies, world.Entities);
        ticks[i] = Stopwatch.GetTimestamp() - start;
    }
    Array.Sort(ticks);
    double Micro(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
    var before = GC.GetAllocatedBytesForCurrentThread();
    for (var i = 0; i < samples; i++)
    {
        Authorizer.IsAuthorized(requests[i & (requests.Length - 1)], world.Policies, world.Entities);
    }
    var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)samples;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"authorization: p50 {Micro(ticks[samples / 2]):F2} µs, p90 {Micro(ticks[samples * 9 / 10]):F2} µs, p99 {Micro(ticks[samples * 99 / 100]):F2} µs, {allocated:F0} B allocated"));

    var directory = CorpusLocator.Extract();
    try
    {
        var load = Stopwatch.StartNew();
        var tests = ConformanceRunner.LoadAll(directory);
        var loadTime = load.Elapsed;
        var pairs = tests.SelectMany(t => t.Requests.Where(r => r.Request is not null).Select(r => (t, r.Request!))).ToArray();
        foreach (var (test, request) in pairs)
        {
            Authorizer.IsAuthorized(request, test.Policies!, test.Entities!);
        }
        var rounds = 10;
        var timer = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (test, request) in pairs)
            {
                Authorizer.IsAuthorized(request, test.Policies!, test.Entities!);
            }
        }
        var perSecond = pairs.Length * rounds / timer.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"corpus: {pairs.Length} requests in {tests.Count} files; load and parse {loadTime.TotalSeconds:F1} s; evaluation {perSecond:F0} requests/s on one thread"));

        // As the WebAssembly API works: entities read from JSON again for every request.
        var entityJson = ConformanceRunner.FindTestFiles(directory).ToDictionary(
            file => Path.GetRelativePath(directory, file),
            file =>
            {
                using var test = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
                return File.ReadAllText(Path.Combine(directory, test.RootElement.GetProperty("entities").GetString()!));
            });
        timer.Restart();
        foreach (var (test, request) in pairs)
        {
            Authorizer.IsAuthorized(request, test.Policies!, Custos.Cedar.Entities.EntityStore.FromJson(entityJson[test.File]));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"corpus, entities parsed from JSON for every request: {timer.Elapsed.TotalMicroseconds / pairs.Length:F1} µs per request"));
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
}
