using System.Diagnostics;
using System.Runtime;
using Custos.Detection.Correlation;
using Custos.Formats;

namespace Custos.Detection.Replay;

/// <summary>What a replay did: the numbers <c>custos detect run</c> prints.</summary>
public sealed record ReplaySummary
{
    public required long Events { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;

    /// <summary>Processor time the process spent during the replay (all threads: JIT and GC included).</summary>
    public required TimeSpan ProcessorTime { get; init; }

    /// <summary>Events per second of processor time: the one-core rate, whatever else shares the machine.</summary>
    public double EventsPerProcessorSecond => ProcessorTime > TimeSpan.Zero ? Events / ProcessorTime.TotalSeconds : 0;

    public required IReadOnlyDictionary<string, int> AlertsByDetector { get; init; }

    public int Alerts => AlertsByDetector.Values.Sum();

    public required IReadOnlyDictionary<string, long> FindingsByDetector { get; init; }

    /// <summary>Largest engine state seen (entries), sampled every <see cref="Replayer.SampleEvery"/> events.</summary>
    public required int PeakStateSize { get; init; }

    /// <summary>Managed heap after the replay, in bytes (world index included).</summary>
    public required long HeapBytes { get; init; }
}

/// <summary>
/// Replays an ordered event stream through a <see cref="DetectionEngine"/> and hands each
/// final alert to a writer as it closes, so that neither the events nor the alerts are held
/// in memory.
/// </summary>
public static class Replayer
{
    public const int SampleEvery = 10_000;

    public static ReplaySummary Run(WorldIndex world, IEnumerable<AccessEvent> events, Action<Alert> write, DetectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(write);
        var byDetector = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var engine = new DetectionEngine(world, change =>
        {
            if (change.Kind == AlertChangeKind.Closed)
            {
                byDetector[change.Alert.Detector] = byDetector.GetValueOrDefault(change.Alert.Detector) + 1;
                write(change.Alert);
            }
        }, options);

        var peak = 0;
        var processorBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var access in events)
        {
            engine.Observe(access);
            if (engine.EventsObserved % SampleEvery == 0)
            {
                peak = Math.Max(peak, engine.StateSize);
            }
        }
        engine.Flush();
        clock.Stop();
        var processor = Process.GetCurrentProcess().TotalProcessorTime - processorBefore;
        peak = Math.Max(peak, engine.StateSize);

        return new ReplaySummary
        {
            Events = engine.EventsObserved,
            Elapsed = clock.Elapsed,
            ProcessorTime = processor,
            AlertsByDetector = byDetector,
            FindingsByDetector = new SortedDictionary<string, long>(engine.FindingsByDetector.ToDictionary(), StringComparer.Ordinal),
            PeakStateSize = peak,
            HeapBytes = GC.GetTotalMemory(forceFullCollection: false),
        };
    }

    /// <summary>Replays <paramref name="eventsPath"/> against <paramref name="worldPath"/> into <paramref name="alertsPath"/>.</summary>
    public static ReplaySummary RunFiles(string worldPath, string eventsPath, string alertsPath, DetectionOptions? options = null)
    {
        // A replay is a batch job: no background collections competing with it for the one core
        // (measured: fewer CPU-seconds per replay; docs/detection.md).
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        try
        {
            return RunFilesInBatch(worldPath, eventsPath, alertsPath, options);
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }
    }

    private static ReplaySummary RunFilesInBatch(string worldPath, string eventsPath, string alertsPath, DetectionOptions? options)
    {
        var world = new WorldIndex(WorldFile.Read(worldPath));
        var temporary = alertsPath + ".partial";
        ReplaySummary summary;
        // Written beside the target and moved into place only when complete: a failed replay
        // (a bad line 3 million events in) leaves no half-written alerts file (invariant 8).
        using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
        {
            try
            {
                summary = Run(world, EventLog.ReadFile(eventsPath), alert => JsonLines.Write(writer, alert), options);
            }
            catch
            {
                writer.Dispose();
                File.Delete(temporary);
                throw;
            }
        }
        File.Move(temporary, alertsPath, overwrite: true);
        return summary;
    }
}
