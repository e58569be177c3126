using System.Globalization;
using BenchmarkDotNet.Running;
using Custos.Access.Benchmarks;

// dotnet run -c Release --project bench/Custos.Access.Benchmarks -- cpu [decisions]
// dotnet run -c Release --project bench/Custos.Access.Benchmarks -- replay [decisions]
// dotnet run -c Release --project bench/Custos.Access.Benchmarks -- load --server URL --data DIR [--clients 64] [--seconds 30] [--warmup 5] [--healthz]
// dotnet run -c Release --project bench/Custos.Access.Benchmarks -- --filter '*'   (BenchmarkDotNet)
switch (args.FirstOrDefault())
{
    case "cpu":
        await CpuPerDecision.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000);
        break;
    case "replay":
        await ReplaySpeed.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000);
        break;
    case "load":
        string Option(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
        await LoadGenerator.RunAsync(
            new Uri(Option("--server", "http://127.0.0.1:5080/")),
            Option("--data", ".custos"),
            int.Parse(Option("--clients", "64"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(int.Parse(Option("--warmup", "5"), CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(int.Parse(Option("--seconds", "30"), CultureInfo.InvariantCulture)),
            healthz: args.Contains("--healthz"));
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args);
        break;
}
