namespace Custos.Cedar.Conformance;

/// <summary>A request whose answer differed from Cedar's.</summary>
public sealed record ConformanceFailure(string File, string Request, string Expected, string Got)
{
    public override string ToString() => $"{File}: {Request}: expected {Expected}, got {Got}";
}

/// <summary>Requests passed and failed over a run, and each failure.</summary>
public sealed class ConformanceReport
{
    private readonly List<ConformanceFailure> _failures = [];

    public int Files { get; internal set; }

    public int Passed { get; internal set; }

    public int Failed => _failures.Count;

    public int Total => Passed + Failed;

    public IReadOnlyList<ConformanceFailure> Failures => _failures;

    public double PassRate => Total == 0 ? 0 : (double)Passed / Total;

    internal void Fail(ConformanceFailure failure) => _failures.Add(failure);
}

/// <summary>
/// Runs Cedar integration tests: every JSON file under a directory that names
/// <c>policies</c> and <c>requests</c> (entity files and other JSON are skipped). A request
/// passes when the decision, the set of determining policies and the set of erroring policies
/// all equal Cedar's. <c>shouldValidate</c> and <c>validateRequest</c> concern schema validation,
/// which this library does not do, and are ignored.
/// </summary>
public static class ConformanceRunner
{
    public static IReadOnlyList<string> FindTestFiles(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Where(ConformanceTest.IsTestFile)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static IReadOnlyList<ConformanceTest> LoadAll(string directory) =>
        FindTestFiles(directory).Select(file => ConformanceTest.Load(directory, file)).ToList();

    public static ConformanceReport RunDirectory(string directory) => Run(LoadAll(directory));

    public static ConformanceReport Run(IEnumerable<ConformanceTest> tests)
    {
        ArgumentNullException.ThrowIfNull(tests);
        var report = new ConformanceReport();
        foreach (var test in tests)
        {
            report.Files++;
            foreach (var request in test.Requests)
            {
                if (Check(test, request) is { } failure)
                {
                    report.Fail(failure);
                }
                else
                {
                    report.Passed++;
                }
            }
        }
        return report;
    }

    /// <summary>Authorizes one request; null when it passes, else what differed.</summary>
    public static ConformanceFailure? Check(ConformanceTest test, ConformanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(request);
        var expected = Describe(request.ExpectedDecision, request.ExpectedReasons, request.ExpectedErrors);
        if (test.LoadError is not null || request.Request is null)
        {
            return new ConformanceFailure(test.File, request.Description, expected, $"error: {test.LoadError ?? request.RequestError}");
        }
        var response = Authorizer.IsAuthorized(request.Request, test.Policies!, test.Entities!);
        var errors = response.Errors.Select(e => e.PolicyId).ToHashSet(StringComparer.Ordinal);
        if (response.Decision == request.ExpectedDecision && request.ExpectedReasons.SetEquals(response.Reasons) && request.ExpectedErrors.SetEquals(errors))
        {
            return null;
        }
        var got = Describe(response.Decision, response.Reasons, errors)
            + (response.Errors.Count > 0 ? $" ({string.Join("; ", response.Errors)})" : "");
        return new ConformanceFailure(test.File, request.Description, expected, got);
    }

    private static string Describe(Decision decision, IEnumerable<string> reasons, IEnumerable<string> errors) =>
        $"{decision.ToString().ToLowerInvariant()} reason [{string.Join(", ", reasons.Order(StringComparer.Ordinal))}] errors [{string.Join(", ", errors.Order(StringComparer.Ordinal))}]";
}
