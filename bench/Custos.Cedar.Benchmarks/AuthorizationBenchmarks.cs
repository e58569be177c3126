using BenchmarkDotNet.Attributes;

namespace Custos.Cedar.Benchmarks;

/// <summary>
/// One authorization against the governance policy set (34 policies) over 10,000 entities,
/// policies parsed and compiled beforehand. Each invocation authorizes the next of 1,024
/// prepared requests, so the figure is an average over varied requests, not one hot path.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AuthorizationBenchmarks
{
    private GovernanceWorld _world = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _world = new GovernanceWorld();
        // Build the scope index outside the measurement.
        Authorizer.IsAuthorized(_world.Requests[0], _world.Policies, _world.Entities);
    }

    [Benchmark]
    public Response Authorize()
    {
        var requests = _world.Requests;
        var request = requests[_next++ & (requests.Length - 1)];
        return Authorizer.IsAuthorized(request, _world.Policies, _world.Entities);
    }
}
