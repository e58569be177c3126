using BenchmarkDotNet.Attributes;
using Custos.Cedar.Conformance;

namespace Custos.Cedar.Benchmarks;

/// <summary>
/// The whole Cedar integration-test corpus (51,106 requests over 6,401 policy sets and entity
/// stores), loaded beforehand, authorized on one thread. Reported per request:
/// requests per second is 1 / Mean.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CorpusBenchmarks
{
    private (ConformanceTest Test, Request Request)[] _requests = [];
    private string? _directory;

    [GlobalSetup]
    public void Setup()
    {
        _directory = CorpusLocator.Extract();
        _requests = ConformanceRunner.LoadAll(_directory)
            .SelectMany(test => test.Requests.Where(r => r.Request is not null).Select(r => (test, r.Request!)))
            .ToArray();
        foreach (var (test, request) in _requests)
        {
            Authorizer.IsAuthorized(request, test.Policies!, test.Entities!);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = 51_106)]
    public int WholeCorpus()
    {
        var allowed = 0;
        foreach (var (test, request) in _requests)
        {
            if (Authorizer.IsAuthorized(request, test.Policies!, test.Entities!).IsAllowed)
            {
                allowed++;
            }
        }
        return allowed;
    }
}
