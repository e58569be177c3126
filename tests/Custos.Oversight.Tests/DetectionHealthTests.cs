using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custos.Oversight.Tests;

/// <summary>
/// The verdict of <c>/readyz</c>'s <c>detection</c> check from detection's state, the ledger's
/// size and the oldest entry not yet examined: not ready when detection has failed or lags by
/// more than <c>Detection:MaxLag</c>.
/// </summary>
public sealed class DetectionHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 3, 14, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxLag = TimeSpan.FromMinutes(5);

    [Fact]
    public void Running_and_caught_up_is_ready_with_no_lag()
    {
        var result = DetectionHealthCheck.Judge(new DetectionStatus(DetectionState.Running, 42, Now.AddHours(-1), null), 42, null, Now, MaxLag);

        result.Status.ShouldBe(HealthStatus.Healthy);
        result.Data["state"].ShouldBe("running");
        result.Data["last_examined_index"].ShouldBe(41L);
        result.Data["lag_seconds"].ShouldBe(0d);
    }

    [Fact]
    public void Catching_up_within_the_maximum_lag_is_ready()
    {
        var oldest = Now.AddMinutes(-2);

        var result = DetectionHealthCheck.Judge(new DetectionStatus(DetectionState.CatchingUp, 10, Now, null), 500, oldest, Now, MaxLag);

        result.Status.ShouldBe(HealthStatus.Healthy);
        result.Data["state"].ShouldBe("catching-up");
        result.Data["last_examined_index"].ShouldBe(9L);
        result.Data["ledger_size"].ShouldBe(500L);
        result.Data["lag_seconds"].ShouldBe(120d);
    }

    [Fact]
    public void Lagging_beyond_the_maximum_is_not_ready_whatever_the_state()
    {
        var oldest = Now.AddMinutes(-6);
        foreach (var state in new[] { DetectionState.CatchingUp, DetectionState.Running })
        {
            var result = DetectionHealthCheck.Judge(new DetectionStatus(state, 10, Now.AddHours(-1), null), 500, oldest, Now, MaxLag);

            result.Status.ShouldBe(HealthStatus.Unhealthy);
            result.Description!.ShouldContain("Detection:MaxLag");
            result.Data["lag_seconds"].ShouldBe(360d);
        }
    }

    [Fact]
    public void A_session_that_has_not_read_its_position_lags_by_the_time_since_it_started()
    {
        var starting = new DetectionStatus(DetectionState.Starting, null, Now.AddMinutes(-1), null);
        DetectionHealthCheck.Judge(starting, 500, null, Now, MaxLag).Status.ShouldBe(HealthStatus.Healthy);

        var stuck = starting with { Since = Now.AddMinutes(-6) };
        var result = DetectionHealthCheck.Judge(stuck, 500, null, Now, MaxLag);
        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Data["state"].ShouldBe("starting");
        result.Data.ContainsKey("last_examined_index").ShouldBeFalse();
    }

    [Fact]
    public void A_failed_session_is_not_ready_even_when_nothing_waits()
    {
        var result = DetectionHealthCheck.Judge(new DetectionStatus(DetectionState.Failed, 42, Now, "the store is unavailable"), 42, null, Now, MaxLag);

        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Data["state"].ShouldBe("failed");
        result.Data["failure"].ShouldBe("the store is unavailable");
    }
}
