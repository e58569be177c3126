using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Custos.Ledger.Benchmarks -- --filter '*'   (see bench/README.md)
BenchmarkSwitcher.FromAssembly(typeof(Custos.Ledger.Benchmarks.Entries).Assembly).Run(args);
