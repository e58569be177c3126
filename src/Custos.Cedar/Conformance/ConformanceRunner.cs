using Custos.Cedar.Validation;

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

    private readonly List<ConformanceFailure> _validationDifferences = [];

    /// <summary>Test files where the validator's verdicts (on the policies and on each request) equal Cedar's.</summary>
    public int ValidationAgree { get; internal set; }

    public int ValidationDiffer => _validationDifferences.Count;

    /// <summary>Test files where a validator verdict differs from Cedar's, with what differed.</summary>
    public IReadOnlyList<ConformanceFailure> ValidationDifferences => _validationDifferences;

    public double ValidationAgreementRate => ValidationAgree + ValidationDiffer == 0 ? 0 : (double)ValidationAgree / (ValidationAgree + ValidationDiffer);

    internal void Fail(ConformanceFailure failure) => _failures.Add(failure);

    internal void Differ(ConformanceFailure difference) => _validationDifferences.Add(difference);
}

/// <summary>
/// Runs Cedar integration tests: every JSON file under a directory that names
/// <c>policies</c> and <c>requests</c> (entity files and other JSON are skipped). A request
/// passes when the decision, the set of determining policies and the set of erroring policies
/// all equal Cedar's. Separately, per test file with a schema, the validator's verdicts are
/// compared with Cedar's: whether the policies validate in strict mode (<c>shouldValidate</c>)
/// and whether each request validates (<c>validateRequest</c>); a file agrees when all do.
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
            if (CheckValidation(test) is { } difference)
            {
                report.Differ(difference);
            }
            else if (test.ShouldValidate is not null && (test.Schema is not null || test.LoadError is not null))
            {
                report.ValidationAgree++;
            }
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

    /// <summary>
    /// Validates a test's policies and requests against its schema; null when every verdict equals
    /// Cedar's or the test gives none (no schema or no <c>shouldValidate</c>: not counted), else what differed.
    /// </summary>
    public static ConformanceFailure? CheckValidation(ConformanceTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.ShouldValidate is not { } expected || (test.Schema is null && test.LoadError is null))
        {
            return null;
        }
        string Verdict(bool valid) => valid ? "valid" : "invalid";
        if (test.Schema is null || test.Policies is null)
        {
            return new ConformanceFailure(test.File, "validation", Verdict(expected), $"error: {test.LoadError ?? "no schema"}");
        }
        var validator = new Validator(test.Schema);
        var errors = validator.Validate(test.Policies);
        if (errors.Count == 0 != expected)
        {
            return new ConformanceFailure(test.File, "validation", Verdict(expected),
                errors.Count == 0 ? "valid" : $"invalid ({string.Join("; ", errors)})");
        }
        foreach (var request in test.Requests)
        {
            if (request.ShouldValidate is { } expectedRequest && request.Request is not null
                && validator.ValidateRequest(request.Request) is var requestErrors && requestErrors.Count == 0 != expectedRequest)
            {
                return new ConformanceFailure(test.File, $"{request.Description} (request validation)", Verdict(expectedRequest),
                    requestErrors.Count == 0 ? "valid" : $"invalid ({string.Join("; ", requestErrors)})");
            }
        }
        return null;
    }

    private static string Describe(Decision decision, IEnumerable<string> reasons, IEnumerable<string> errors) =>
        $"{decision.ToString().ToLowerInvariant()} reason [{string.Join(", ", reasons.Order(StringComparer.Ordinal))}] errors [{string.Join(", ", errors.Order(StringComparer.Ordinal))}]";
}
