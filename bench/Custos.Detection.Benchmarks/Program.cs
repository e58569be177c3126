using System.Diagnostics;
using System.Globalization;
using Custos.Detection;
using Custos.Detection.Correlation;
using Custos.Detection.Replay;
using Custos.Detection.Synthetic;
using Custos.Formats;

// A plain timed replay harness (not a BenchmarkDotNet suite): a replay of a 90-day stream is
// one long operation whose throughput and memory are the numbers that matter, and a single
// run of it takes seconds. See README.md for the commands.
//
//   replay WORLD EVENTS [--repeat N]   time the replay of files (JSON parsing included)
//   memory [--days D] [--staff S]      a long stream over a fixed set of readers: state size per 10 days
//   trace WORLD EVENTS READER          every finding about one reader (for tuning)
var command = args.Length > 0 ? args[0] : "help";
switch (command)
{
    case "replay":
        Replay(args[1], args[2], args.Length > 4 && args[3] == "--repeat" ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3);
        return 0;
    case "memory":
        Memory(Option("--days", 360), Option("--staff", 200));
        return 0;
    case "profile":
        Profile(args[1], args[2]);
        return 0;
    case "trace":
        Trace(args[1], args[2], args[3]);
        return 0;
    default:
        Console.Error.WriteLine("usage: replay WORLD EVENTS [--repeat N] | memory [--days D] [--staff S] | trace WORLD EVENTS READER");
        return 2;
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static void Replay(string worldPath, string eventsPath, int repeat)
{
    var load = Stopwatch.StartNew();
    var world = new WorldIndex(WorldFile.Read(worldPath));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"world loaded and indexed in {load.Elapsed.TotalSeconds:0.00} s"));

    // Parsing included: events.jsonl is read line by line inside the timed loop, as `detect run` does.
    for (var i = 0; i < repeat; i++)
    {
        var alerts = 0;
        GC.Collect();
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var summary = Replayer.Run(world, EventLog.ReadFile(eventsPath), _ => alerts++);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {i + 1}: {summary.Events} events in {summary.Elapsed.TotalSeconds:0.000} s wall, {cpu.TotalSeconds:0.000} s CPU: {summary.EventsPerSecond:0} events/s; {alerts} alerts; peak state {summary.PeakStateSize} entries; heap {summary.HeapBytes / 1048576.0:0.0} MiB; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB"));
    }

    // Detectors alone, events parsed beforehand: the engine's own cost.
    var events = EventLog.ReadFile(eventsPath).ToList();
    var engine = new DetectionEngine(world, _ => { });
    var clock = Stopwatch.StartNew();
    foreach (var e in events)
    {
        engine.Observe(e);
    }
    engine.Flush();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"engine only (events pre-parsed): {events.Count / clock.Elapsed.TotalSeconds:0} events/s"));
}

static void Memory(int days, int staff)
{
    // One world, a fixed set of readers, a long stream: state must stay flat as days pass.
    var dataset = Generator.Generate(new GeneratorOptions { Seed = 7, Days = days, Staff = staff, Campaigns = false });
    var engine = new DetectionEngine(dataset.World, _ => { });
    var nextReport = dataset.Events[0].Time.AddDays(10);
    Console.WriteLine($"{dataset.Events.Count} events over {days} days, {staff} staff");
    foreach (var e in dataset.Events)
    {
        engine.Observe(e);
        if (e.Time >= nextReport)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"day {(e.Time - dataset.Events[0].Time).TotalDays,4:0}: {engine.EventsObserved,9} events, state {engine.StateSize,7} entries"));
            nextReport = nextReport.AddDays(10);
        }
    }
}

static void Profile(string worldPath, string eventsPath)
{
    // Engine cost with each detector switched off in turn: where the time goes.
    var world = new WorldIndex(WorldFile.Read(worldPath));
    var events = EventLog.ReadFile(eventsPath).ToList();
    var all = new DetectionOptions();
    var off = new (string Name, DetectionOptions Options)[]
    {
        ("none off", all),
        ("protected-subject", all with { ProtectedSubject = all.ProtectedSubject with { Enabled = false } }),
        ("unexplained-access", all with { UnexplainedAccess = all.UnexplainedAccess with { Enabled = false } }),
        ("graph-fan-out", all with { GraphFanOut = all.GraphFanOut with { Enabled = false } }),
        ("location-probing", all with { LocationProbing = all.LocationProbing with { Enabled = false } }),
        ("peer-outlier", all with { PeerOutlier = all.PeerOutlier with { Enabled = false } }),
        ("denied-burst", all with { DeniedBurst = all.DeniedBurst with { Enabled = false } }),
        ("residency-probing", all with { ResidencyProbing = all.ResidencyProbing with { Enabled = false } }),
        ("self-colleague", all with { SelfColleague = all.SelfColleague with { Enabled = false } }),
        ("off-hours", all with { OffHours = all.OffHours with { Enabled = false } }),
    };
    foreach (var (name, options) in off)
    {
        var best = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var engine = new DetectionEngine(world, _ => { }, options);
            var clock = Stopwatch.StartNew();
            foreach (var e in events)
            {
                engine.Observe(e);
            }
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-20} off: {best,8:0} ms ({events.Count / best * 1000:0} events/s)"));
    }
}

static void Trace(string worldPath, string eventsPath, string reader)
{
    var world = new WorldIndex(WorldFile.Read(worldPath));
    var engine = new DetectionEngine(world, change =>
    {
        if (change.Alert.Readers.Contains(reader) && change.Kind != AlertChangeKind.Updated)
        {
            Console.WriteLine($"{change.Kind} {change.Alert.Id} {change.Alert.Detector} {change.Alert.Severity} {change.Alert.RaisedAt:O} ({change.Alert.Evidence.Count} events): {change.Alert.Reason}");
        }
    });
    var offHours = new Custos.Detection.Detectors.OffHoursDetector(new Custos.Detection.Detectors.OffHoursOptions());
    var found = new List<Custos.Detection.Finding>();
    foreach (var e in EventLog.ReadFile(eventsPath))
    {
        engine.Observe(e);
        if (e.Reader == reader)
        {
            offHours.Observe(new Observation(e, world), found);
        }
    }
    engine.Flush();
    foreach (var f in found)
    {
        Console.WriteLine($"finding {f.Detector} {f.Severity} {f.RaisedAt:O}: {f.Reason}");
    }
}
