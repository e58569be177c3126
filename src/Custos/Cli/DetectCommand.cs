using System.CommandLine;
using System.Globalization;
using Custos.Detection;
using Custos.Detection.Replay;
using Custos.Detection.Scoring;
using Custos.Detection.Synthetic;
using Custos.Formats;

namespace Custos.Cli;

/// <summary>
/// <c>custos detect</c>: replay an event stream through the detectors (<c>run</c>), make a
/// synthetic world with labelled misuse (<c>generate</c>), and measure alerts against the
/// labels (<c>score</c>). Each subcommand is one call into Custos.Detection.
/// </summary>
internal static class DetectCommand
{
    public static Command Create() => new("detect", "Misuse detection: replay events, generate synthetic worlds, score alerts.")
    {
        Run(),
        Generate(),
        Score(),
    };

    private static Command Run()
    {
        var world = Existing("--world", "The world.json to resolve readers, subjects and cases against.");
        var events = Existing("--events", "The events.jsonl to replay, in time order.");
        var output = new Option<FileInfo>("--out") { Description = "Where to write alerts.jsonl.", Required = true };
        var options = new Option<FileInfo>("--options")
        {
            Description = "A JSON file of detector thresholds overriding the defaults (docs/detection.md).",
        };
        options.AcceptExistingOnly();
        var command = new Command("run", "Replay events.jsonl against world.json and write alerts.jsonl, with a summary.") { world, events, output, options };
        command.SetAction(parse =>
        {
            var settings = parse.GetValue(options) is { } file ? DetectionOptionsFile.Read(file.FullName) : null;
            var summary = Replayer.RunFiles(parse.GetValue(world)!.FullName, parse.GetValue(events)!.FullName, parse.GetValue(output)!.FullName, settings);
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Events} events in {summary.Elapsed.TotalSeconds:0.00} s ({summary.EventsPerSecond:0} events/s; {summary.EventsPerProcessorSecond:0} per CPU-second); {summary.Alerts} alerts"));
            foreach (var (detector, count) in summary.AlertsByDetector)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {detector,-20} {count,6}"));
            }
            o.WriteLine("findings before correlation: " + (summary.FindingsByDetector.Count == 0 ? "none"
                : string.Join(", ", summary.FindingsByDetector.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")))));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak detector state: {summary.PeakStateSize} entries; managed heap {summary.HeapBytes / (1024.0 * 1024):0.0} MiB"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Generate()
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the random generator: the same seed and options give the same files.", Required = true };
        var days = new Option<int>("--days") { Description = "Days of activity (default 90).", DefaultValueFactory = _ => 90 };
        var staff = new Option<int>("--staff") { Description = "Staff in the world (default 500).", DefaultValueFactory = _ => 500 };
        var variant = new Option<int>("--variant")
        {
            Description = "0 (default): plain names and rates; other values rename departments, roles, purposes, categories and classes and vary the background rates.",
        };
        var clean = new Option<bool>("--no-campaigns") { Description = "Background only, no injected misuse." };
        var adversary = new Option<Adversary>("--adversary")
        {
            Description = "How injected insiders behave: none (default) or covert (they open their own cases just before reading, spread over weeks, collude).",
        };
        var noise = new Option<double>("--noise")
        {
            Description = "Multiply the background's slips, refusals and travel (default 1): a stress test of precision.",
            DefaultValueFactory = _ => 1,
        };
        noise.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 100)
            {
                r.AddError("--noise must be between 0 and 100.");
            }
        });
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write world.json, events.jsonl and labels.json into.", Required = true };
        days.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 3660)
            {
                r.AddError("--days must be between 1 and 3660.");
            }
        });
        staff.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 40 or > 100_000)
            {
                r.AddError("--staff must be between 40 and 100000.");
            }
        });
        var command = new Command("generate", "Write a synthetic world, its events and labels.json (the injected misuse campaigns).")
        {
            seed, days, staff, variant, clean, noise, adversary, output,
        };
        command.SetAction(parse =>
        {
            var dataset = Generator.Generate(new GeneratorOptions
            {
                Seed = parse.GetValue(seed),
                Days = parse.GetValue(days),
                Staff = parse.GetValue(staff),
                Variant = parse.GetValue(variant),
                Campaigns = !parse.GetValue(clean),
                Noise = parse.GetValue(noise),
                Adversary = parse.GetValue(adversary),
            });
            var directory = parse.GetValue(output)!.FullName;
            dataset.WriteTo(directory);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{directory}: {dataset.World.Staff.Count} staff, {dataset.World.Subjects.Count} subjects, {dataset.World.Cases.Count} cases, {dataset.Events.Count} events, {dataset.Labels.Campaigns.Count} campaigns"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Score()
    {
        var labels = Existing("--labels", "The labels.json of the stream the alerts were raised on.");
        var alerts = Existing("--alerts", "The alerts.jsonl to score.");
        var command = new Command("score", "Campaign recall, alert precision, alerts per 100 staff per day and time to detect.") { labels, alerts };
        command.SetAction(parse =>
        {
            var truth = LabelsFile.Read(parse.GetValue(labels)!.FullName);
            var report = Scorer.Score(truth, JsonLines.ReadFile<Alert>(parse.GetValue(alerts)!.FullName).ToList());
            parse.InvocationConfiguration.Output.Write(Scorer.Format(report));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<FileInfo> Existing(string name, string description)
    {
        var option = new Option<FileInfo>(name) { Description = description, Required = true };
        option.AcceptExistingOnly();
        return option;
    }
}
