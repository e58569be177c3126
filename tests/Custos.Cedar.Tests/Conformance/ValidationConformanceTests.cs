using Custos.Cedar.Conformance;

namespace Custos.Cedar.Tests.Conformance;

/// <summary>
/// The validator against Cedar's verdicts on the whole corpus: per test file, whether the
/// policies validate against its schema in strict mode (<c>shouldValidate</c>) and whether each
/// request validates (<c>validateRequest</c>). The floor is 99.5 %, the aim (and the state) all.
/// </summary>
public sealed class ValidationConformanceTests(CorpusFixture fixture, ITestOutputHelper output) : IClassFixture<CorpusFixture>
{
    private const double RequiredAgreementRate = 0.995;

    private ConformanceReport Run()
    {
        var report = ConformanceRunner.Run(fixture.Tests);
        foreach (var difference in report.ValidationDifferences.Take(100))
        {
            output.WriteLine(difference.ToString());
        }
        output.WriteLine($"validation: {report.ValidationAgree} agree, {report.ValidationDiffer} differ");
        return report;
    }

    [Fact]
    public void The_validator_agrees_with_cedar_on_at_least_99_5_percent_of_the_test_files()
    {
        var report = Run();

        (report.ValidationAgree + report.ValidationDiffer).ShouldBe(6_401);
        report.ValidationAgreementRate.ShouldBeGreaterThanOrEqualTo(RequiredAgreementRate, string.Join("\n", report.ValidationDifferences.Take(50)));
    }

    /// <summary>Every file agrees today; this catches a regression the 99.5 % floor would hide.</summary>
    [Fact]
    public void The_validator_agrees_with_cedar_on_every_test_file()
    {
        var report = Run();

        report.ValidationDifferences.ShouldBeEmpty(string.Join("\n", report.ValidationDifferences.Take(50)));
    }

    [Fact]
    public void The_corpus_holds_both_verdicts_so_agreement_is_not_trivial()
    {
        var valid = fixture.Tests.Count(t => t.ShouldValidate == true);
        var invalid = fixture.Tests.Count(t => t.ShouldValidate == false);

        invalid.ShouldBe(1_327);
        valid.ShouldBe(6_401 - 1_327);
    }

    [Fact]
    public void A_file_whose_verdict_differs_is_reported_with_the_errors_found()
    {
        var test = fixture.Tests.First(t => t.ShouldValidate == false);
        var flipped = ConformanceTest.Load(fixture.Directory, Path.Combine(fixture.Directory, test.File));

        ConformanceRunner.CheckValidation(flipped).ShouldBeNull();
        var difference = ConformanceRunner.CheckValidation(WithVerdict(flipped, valid: true));

        difference.ShouldNotBeNull();
        difference.File.ShouldBe(test.File);
        difference.Expected.ShouldBe("valid");
        difference.Got.ShouldStartWith("invalid (");
    }

    private static ConformanceTest WithVerdict(ConformanceTest test, bool valid) => test.WithShouldValidate(valid);
}
