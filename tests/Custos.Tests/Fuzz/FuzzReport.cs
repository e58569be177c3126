namespace Custos.Tests.Fuzz;

/// <summary>
/// Where a fuzz run says what it did: one line per suite in <c>TestResults/fuzz-*.txt</c> at the
/// repository root, which <c>.ci/run</c> prints after the test counts, and in the test's output.
/// </summary>
internal static class FuzzReport
{
    /// <summary>The seed of this run: <c>CUSTOS_FUZZ_SEED</c> to replay one, otherwise new each run so that runs explore.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("CUSTOS_FUZZ_SEED"), out var seed) ? seed : Random.Shared.Next();

    public static void Write(string suite, string line)
    {
        var text = $"fuzz: {suite}: {line} (seed {Seed}; CUSTOS_FUZZ_SEED={Seed} replays it)";
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        var directory = Path.Combine(RepositoryPaths.Root, "TestResults");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"fuzz-{suite}.txt"), text + Environment.NewLine);
    }
}
