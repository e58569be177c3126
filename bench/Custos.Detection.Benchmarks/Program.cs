using System.Diagnostics;
using System.Globalization;
using Custos.Access.Alerts;
using Custos.Detection;
using Custos.Detection.Correlation;
using Custos.Detection.Replay;
using Custos.Detection.Scoring;
using Custos.Detection.Synthetic;
using Custos.Formats;

// A plain timed replay harness (not a BenchmarkDotNet suite): a replay of a 90-day stream is
// one long operation whose throughput and memory are the numbers that matter, and a single
// run of it takes seconds. See README.md for the commands.
//
//   replay WORLD EVENTS [--repeat N]   time the replay of files (JSON parsing included)
//   memory [--days D] [--staff S]      a long stream over a fixed set of readers: state size per 10 days
//   trace WORLD EVENTS READER          every finding about one reader (for tuning)
//   restart WORLD EVENTS --day D       a restart on day D rebuilt from the last 30, 45, 60 days or
//                                      from the start: which alerts raised after D differ from an
//                                      engine that never stopped, and what the rebuild costs
//   cost WORLD EVENTS [--repeat N]     where a replay's CPU goes, per stage (world, parsing,
//                                      observation, each detector, correlation): CPU time and
//                                      bytes allocated per event, the least of N runs
//   profile WORLD EVENTS               engine time with each detector switched off in turn
//   correlate [--joins J]             cost of one more read joining an alert of 10, 1k, 10k reads:
//                                      correlator time and allocation, and the bytes the server's
//                                      alerts projection writes for it
//   evaluate --seeds A-B [--variants 0,1,2] [--days D] [--staff S] [--noise X] [--adversary none|covert]
//                                      generate, replay and score each seed and variant in
//                                      memory; print one row per run and the aggregate table
var command = args.Length > 0 ? args[0] : "help";
switch (command)
{
    case "replay":
        Replay(args[1], args[2], args.Length > 4 && args[3] == "--repeat" ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3);
        return 0;
    case "memory":
        Memory(Option("--days", 360), Option("--staff", 200));
        return 0;
    case "evaluate":
        Evaluate(Range(OptionText("--seeds", "1-3")), OptionText("--variants", "0").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            Option("--days", 90), Option("--staff", 500), double.Parse(OptionText("--noise", "1"), CultureInfo.InvariantCulture),
            Enum.Parse<Adversary>(OptionText("--adversary", "none"), ignoreCase: true));
        return 0;
    case "explain":
        Explain(Option("--seed", 1), Option("--variant", 0), Enum.Parse<Adversary>(OptionText("--adversary", "none"), ignoreCase: true), OptionText("--campaign", "cmp-01"));
        return 0;
    case "correlate":
        Correlate(Option("--joins", 100));
        return 0;
    case "profile":
        Profile(args[1], args[2]);
        return 0;
    case "restart":
        Restart(args[1], args[2], Option("--day", 60));
        return 0;
    case "cost":
        Cost(args[1], args[2], args.Length > 4 && args[3] == "--repeat" ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3);
        return 0;
    case "trace":
        Trace(args[1], args[2], args[3]);
        return 0;
    default:
        Console.Error.WriteLine("usage: replay WORLD EVENTS [--repeat N] | memory [--days D] [--staff S] | trace WORLD EVENTS READER");
        return 2;
}

string OptionText(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 ? args[at + 1] : fallback;
}

static int[] Range(string text)
{
    var parts = text.Split('-');
    var first = int.Parse(parts[0], CultureInfo.InvariantCulture);
    var last = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : first;
    return [.. Enumerable.Range(first, last - first + 1)];
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

static void Correlate(int joins)
{
    Console.WriteLine("| reads in the alert | evidence cap | ns per joining read | bytes allocated per join | store bytes per join (entry + alert row) |");
    Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
    // The first pass compiles the paths; only the second is printed.
    foreach (var (cap, print) in new[] { (1_000, false), (new CorrelationOptions().MaxEvidence, true), (100_000, true) })
    {
        foreach (var size in new[] { 10, 1_000, 10_000 })
        {
            // The least of a few runs: the machine is shared.
            var best = (Elapsed: TimeSpan.MaxValue, Allocated: 0L, StoreBytes: 0L);
            for (var run = 0; run < 5; run++)
            {
                var options = new CorrelationOptions { MaxEvidence = cap };
                Alert? last = null;
                var correlator = new Correlator(options, change => last = change.Alert);
                var at = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
                Finding Read(int i) => new()
                {
                    Detector = "protected-subject",
                    Severity = Severity.High,
                    RaisedAt = at.AddSeconds(i),
                    Readers = ["staff:a"],
                    Subjects = [$"user:{i % 400}"],
                    Evidence = [i.ToString(CultureInfo.InvariantCulture)],
                    Reason = "staff:a read a protected subject with no case naming them.",
                };
                for (var i = 0; i < size; i++)
                {
                    correlator.Add(Read(i));
                }
                // The server's projection: the alert's row as its ledger entries fold it; what one more
                // joining read writes is its alert entry (when it adds evidence) and the row again.
                var record = new AlertRecord { Id = "alr-1" };
                record.Apply(0, new AlertEntry
                {
                    Alert = "alr-1",
                    Change = AlertEntryChange.Raised,
                    Time = at,
                    Detector = last!.Detector,
                    Severity = last.Severity,
                    RaisedAt = last.RaisedAt,
                    Readers = [.. last.Readers],
                    Subjects = [.. last.Subjects],
                    Evidence = [.. last.Evidence.Select(e => long.Parse(e, CultureInfo.InvariantCulture))],
                    Reason = last.Reason,
                    Queue = "dept:oversight",
                });
                var evidenceBefore = last.Evidence.Count;

                GC.Collect();
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                for (var i = size; i < size + joins; i++)
                {
                    correlator.Add(Read(i));
                }
                var elapsed = clock.Elapsed;
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

                long storeBytes = 0;
                if (last.Evidence.Count > evidenceBefore)
                {
                    var entry = new AlertEntry { Alert = "alr-1", Change = AlertEntryChange.Updated, Time = at, Evidence = [size], Reason = last.Reason, Queue = "dept:oversight" };
                    record.Apply(1, entry);
                    storeBytes = entry.Serialize().Length + System.Text.Encoding.UTF8.GetByteCount(record.ToJson());
                }
                if (elapsed < best.Elapsed)
                {
                    best = (elapsed, allocated, storeBytes);
                }
            }
            if (!print)
            {
                continue;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {cap:N0} | {best.Elapsed.TotalNanoseconds / joins:0} | {best.Allocated / joins:N0} | {(best.StoreBytes == 0 ? "nothing (evidence at the cap)" : best.StoreBytes.ToString("N0", CultureInfo.InvariantCulture))} |"));
        }
    }
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

static void Evaluate(int[] seeds, int[] variants, int days, int staff, double noise, Adversary adversary)
{
    var reports = new List<ScoreReport>();
    var exact = new List<(string Pattern, TimeSpan? Detect, int? SubjectsBefore)>();
    var falseByDetector = new SortedDictionary<string, int>(StringComparer.Ordinal);
    Console.WriteLine("| seed | variant | events | alerts | recall | precision | alerts/100 staff/day | median TTD | incident subjects before alert |");
    Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var seed in seeds)
    {
        foreach (var variant in variants)
        {
            var dataset = Generator.Generate(new GeneratorOptions { Seed = seed, Days = days, Staff = staff, Variant = variant, Noise = noise, Adversary = adversary });
            // Driven here rather than through Replayer so that every change is seen as it is
            // published: the moment a campaign's event first sits in a raised alert is its exact
            // detection time, even when it joined an alert raised before the campaign began.
            var alerts = new List<Alert>();
            var campaignOf = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < dataset.Labels.Campaigns.Count; i++)
            {
                foreach (var id in dataset.Labels.Campaigns[i].Events)
                {
                    campaignOf[id] = i;
                }
            }
            var seenAt = new DateTimeOffset?[dataset.Labels.Campaigns.Count];
            var now = DateTimeOffset.MinValue;
            var engine = new DetectionEngine(dataset.World, change =>
            {
                if (change.Kind is AlertChangeKind.Raised or AlertChangeKind.Updated)
                {
                    foreach (var id in change.Alert.Evidence)
                    {
                        if (campaignOf.TryGetValue(id, out var i))
                        {
                            seenAt[i] ??= now;
                        }
                    }
                }
                else if (change.Kind == AlertChangeKind.Closed)
                {
                    alerts.Add(change.Alert);
                }
            });
            foreach (var e in dataset.Events)
            {
                now = e.Time;
                engine.Observe(e);
            }
            engine.Flush();
            var report = Scorer.Score(dataset.Labels, alerts);
            reports.Add(report);
            foreach (var alert in alerts.Where(a => !a.Evidence.Any(campaignOf.ContainsKey)))
            {
                falseByDetector[alert.Detector] = falseByDetector.GetValueOrDefault(alert.Detector) + 1;
            }
            for (var i = 0; i < seenAt.Length; i++)
            {
                var campaign = dataset.Labels.Campaigns[i];
                exact.Add((campaign.Pattern, seenAt[i] - campaign.Start,
                    seenAt[i] is { } at ? campaign.Timeline.Where(r => r.Time <= at).Select(r => r.Subject).Distinct().Count() : null));
            }
            var incidents = string.Join(", ", report.Campaigns.Where(c => c.Pattern == Campaign.IncidentPattern)
                .Select(c => c.SubjectsBeforeAlert?.ToString(CultureInfo.InvariantCulture) ?? "missed"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {seed} | {variant} | {dataset.Events.Count} | {report.Alerts} | {report.Recall:0.000} | {report.Precision:0.000} | {report.AlertsPer100StaffPerDay:0.000} | {Scorer.Duration(report.MedianTimeToDetect)} | {incidents} |"));
            var joined = report.Campaigns.Where(c => c.JoinedEarlierAlert).Select(c => $"{c.Id} {c.Pattern}/{c.Intensity} in {c.FirstAlert}").ToList();
            if (joined.Count > 0)
            {
                Console.Error.WriteLine($"seed {seed} variant {variant} joined an earlier alert: {string.Join(", ", joined)}");
            }
            var missed = report.Campaigns.Where(c => !c.Detected).Select(c => $"{c.Id} {c.Pattern}/{c.Intensity}").ToList();
            if (missed.Count > 0)
            {
                Console.Error.WriteLine($"seed {seed} variant {variant} missed: {string.Join(", ", missed)}");
            }
        }
    }

    var campaigns = reports.SelectMany(r => r.Campaigns).ToList();
    Console.WriteLine();
    Console.WriteLine("incidents (subjects read up to the first alert): " + string.Join(", ", exact.Where(c => c.Pattern == Campaign.IncidentPattern).Select(c => c.SubjectsBefore?.ToString(CultureInfo.InvariantCulture) ?? "missed")));
    Console.WriteLine("| pattern | campaigns | detected | recall | median time to detect | slowest detection |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var group in exact.GroupBy(c => c.Pattern).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        var detected = group.Count(c => c.Detect is not null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {group.Key} | {group.Count()} | {detected} | {(double)detected / group.Count():0.000} | {Scorer.Duration(Scorer.Median(group.Select(c => c.Detect)))} | {Scorer.Duration(group.Max(c => c.Detect))} |"));
    }
    var alertsTotal = reports.Sum(r => r.Alerts);
    var truePositives = reports.Sum(r => r.TruePositiveAlerts);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| **overall** | {exact.Count} | {exact.Count(c => c.Detect is not null)} | {(double)exact.Count(c => c.Detect is not null) / exact.Count:0.000} | {Scorer.Duration(Scorer.Median(exact.Select(c => c.Detect)))} | {Scorer.Duration(exact.Max(c => c.Detect))} |"));
    Console.WriteLine();
    var incidentsAll = exact.Where(c => c.Pattern == Campaign.IncidentPattern).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"alerts {alertsTotal}, overlapping a campaign {truePositives}: precision {(double)truePositives / alertsTotal:0.000}; "
        + $"alerts per 100 staff per day {reports.Average(r => r.AlertsPer100StaffPerDay):0.000} (mean of runs, worst {reports.Max(r => r.AlertsPer100StaffPerDay):0.000}); "
        + $"incidents caught {incidentsAll.Count(c => c.Detect is not null)}/{incidentsAll.Count}, most subjects read up to the alert that first held them {incidentsAll.Max(c => c.SubjectsBefore ?? int.MaxValue)}; "
        + $"campaigns that joined an alert raised before they began: {campaigns.Count(c => c.JoinedEarlierAlert)} (the tables above time them from the update that added them); "
        + $"false alerts by detector: {(falseByDetector.Count == 0 ? "none" : string.Join(", ", falseByDetector.Select(p => $"{p.Key} {p.Value}")))}"));
}

static void Explain(int seed, int variant, Adversary adversary, string campaignId)
{
    // One generated campaign, read by read, and every alert change about its readers: for tuning.
    var dataset = Generator.Generate(new GeneratorOptions { Seed = seed, Variant = variant, Adversary = adversary });
    var campaign = dataset.Labels.Campaigns.Single(c => c.Id == campaignId);
    var events = campaign.Events.ToHashSet(StringComparer.Ordinal);
    var index = new WorldIndex(dataset.World);
    var engine = new DetectionEngine(index, change =>
    {
        if (change.Alert.Readers.Intersect(campaign.Readers).Any())
        {
            Console.WriteLine($"  {change.Kind} {change.Alert.Id} {change.Alert.Detector} {change.Alert.Severity}: {change.Alert.Reason}");
        }
    });
    Console.WriteLine($"{campaign.Id} {campaign.Pattern}/{campaign.Intensity} readers {string.Join(", ", campaign.Readers)}");
    foreach (var e in dataset.Events)
    {
        if (events.Contains(e.Id))
        {
            var o = new Observation(e, index);
            Console.WriteLine($"{e.Time:O} {e.Id} {e.Reader} {e.Subject} [{string.Join(",", e.Categories)}] case {e.Case ?? "-"} covered {o.Covered} self-made {o.SelfMadeCover} protected {string.Join(",", o.ProtectedClasses)}");
        }
        engine.Observe(e);
    }
    engine.Flush();
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

static void Restart(string worldPath, string eventsPath, int day)
{
    var world = new WorldIndex(WorldFile.Read(worldPath));
    var events = EventLog.ReadFile(eventsPath).ToList();
    var restart = events[0].Time.UtcDateTime.Date.AddDays(day);
    var never = Raised(events, out _);
    Console.WriteLine($"restart at {restart:yyyy-MM-dd}: {never.Count} alerts raised after it by an engine that never stopped");
    foreach (var days in new[] { 30, 45, 60, 0 })
    {
        var from = days == 0 ? DateTimeOffset.MinValue : new DateTimeOffset(restart.AddDays(-days), TimeSpan.Zero);
        var rebuilt = Raised([.. events.Where(e => e.Time >= from)], out var rebuild);
        var missing = never.Except(rebuilt).Count();
        var extra = rebuilt.Except(never).Count();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rebuilt from {(days == 0 ? "the start" : $"{days} days before")}: {rebuild.Events} events replayed in {rebuild.Cpu.TotalSeconds:0.00} s CPU; after the restart {rebuilt.Count} alerts, {missing} of the never-stopped engine's missing, {extra} it did not raise"));
    }

    // Alerts raised after the restart, by who, when and how severe: what oversight would see.
    HashSet<string> Raised(List<AccessEvent> stream, out (int Events, TimeSpan Cpu) rebuild)
    {
        var raised = new HashSet<string>(StringComparer.Ordinal);
        var engine = new DetectionEngine(world, change =>
        {
            if (change.Kind == AlertChangeKind.Raised && change.Alert.RaisedAt >= restart)
            {
                raised.Add($"{change.Alert.RaisedAt:O} {change.Alert.Detector} {string.Join(",", change.Alert.Readers.Order(StringComparer.Ordinal))}");
            }
        });
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var replayed = 0;
        rebuild = (0, TimeSpan.Zero);
        foreach (var e in stream)
        {
            if (e.Time >= restart && rebuild.Events == 0)
            {
                rebuild = (replayed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
            }
            engine.Observe(e);
            replayed++;
        }
        engine.Flush();
        return raised;
    }
}

static void Cost(string worldPath, string eventsPath, int repeat)
{
    // Each stage timed on its own, single-threaded, the least of a few runs (the machine is
    // shared): processor time, and bytes allocated on this thread, per event.
    var (world, worldCpu, worldBytes) = Measure(() => new WorldIndex(WorldFile.Read(worldPath)), 1);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"world read and indexed: {worldCpu.TotalMilliseconds:0} ms CPU, {worldBytes / 1048576.0:0} MiB allocated"));
    var (events, parseCpu, parseBytes) = Measure(() => EventLog.ReadFile(eventsPath).ToList(), repeat);
    var n = events.Count;
    Row("events.jsonl parsed", parseCpu, parseBytes);
    var (_, observeCpu, observeBytes) = Measure(() =>
    {
        Observation? last = null;
        foreach (var e in events)
        {
            last = new Observation(e, world, new DetectionOptions().ClosedCaseGrace);
        }
        return last;
    }, repeat);
    Row("observations only", observeCpu, observeBytes);
    var all = new DetectionOptions();
    var none = all with
    {
        ProtectedSubject = all.ProtectedSubject with { Enabled = false }, UnexplainedAccess = all.UnexplainedAccess with { Enabled = false },
        GraphFanOut = all.GraphFanOut with { Enabled = false }, LocationProbing = all.LocationProbing with { Enabled = false },
        PeerOutlier = all.PeerOutlier with { Enabled = false }, DeniedBurst = all.DeniedBurst with { Enabled = false },
        ResidencyProbing = all.ResidencyProbing with { Enabled = false }, SelfColleague = all.SelfColleague with { Enabled = false },
        ApprovalCollusion = all.ApprovalCollusion with { Enabled = false }, OffHours = all.OffHours with { Enabled = false },
        Returning = all.Returning with { Enabled = false },
    };
    var (_, emptyCpu, emptyBytes) = Engine(none);
    Row("engine, no detector", emptyCpu, emptyBytes);
    foreach (var (name, options) in new (string, DetectionOptions)[]
    {
        ("protected-subject", none with { ProtectedSubject = all.ProtectedSubject }),
        ("unexplained-access", none with { UnexplainedAccess = all.UnexplainedAccess }),
        ("graph-fan-out", none with { GraphFanOut = all.GraphFanOut }),
        ("location-probing", none with { LocationProbing = all.LocationProbing }),
        ("peer-outlier", none with { PeerOutlier = all.PeerOutlier }),
        ("denied-burst", none with { DeniedBurst = all.DeniedBurst }),
        ("residency-probing", none with { ResidencyProbing = all.ResidencyProbing }),
        ("self-colleague", none with { SelfColleague = all.SelfColleague }),
        ("off-hours", none with { OffHours = all.OffHours }),
        ("returning", none with { Returning = all.Returning }),
    })
    {
        var (_, cpu, bytes) = Engine(options);
        Row($"  + {name}", cpu - emptyCpu, bytes - emptyBytes);
    }
    var (_, allCpu, allBytes) = Engine(all);
    Row("engine, every detector", allCpu, allBytes);
    Row("replay (parsing + engine)", parseCpu + allCpu, parseBytes + allBytes);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replay: {n / (parseCpu + allCpu).TotalSeconds:0} events per CPU-second; whole run with the world: {n / (worldCpu + parseCpu + allCpu).TotalSeconds:0}"));

    (object, TimeSpan, long) Engine(DetectionOptions options) => Measure<object>(() =>
    {
        var engine = new DetectionEngine(world, _ => { }, options);
        foreach (var e in events)
        {
            engine.Observe(e);
        }
        engine.Flush();
        return engine;
    }, repeat);

    void Row(string stage, TimeSpan cpu, long bytes) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{stage,-28} {cpu.TotalMilliseconds * 1e6 / n,8:0} ns CPU/event {(double)bytes / n,8:0} B/event"));

    static (T Result, TimeSpan Cpu, long Bytes) Measure<T>(Func<T> run, int times)
    {
        T result = default!;
        var best = (Cpu: TimeSpan.MaxValue, Bytes: long.MaxValue);
        for (var i = 0; i < times; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            result = run();
            var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            best = (spent < best.Cpu ? spent : best.Cpu, Math.Min(best.Bytes, GC.GetAllocatedBytesForCurrentThread() - bytes));
        }
        return (result, best.Cpu, best.Bytes);
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
