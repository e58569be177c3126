using Custos.Formats;

namespace Custos.Detection.Tests;

public sealed class OptionsFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"custos-options-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_partial_file_overrides_only_what_it_names()
    {
        File.WriteAllText(_path, """
            {
              // thresholds for a stricter deployment
              "protected_subject": {"threshold": 4, "class_weights": {"journalist": 2.0}},
              "correlation": {"window": "3.00:00:00", "raise_at": "high"},
              "off_hours": {"enabled": false},
            }
            """);

        var options = DetectionOptionsFile.Read(_path);

        options.ProtectedSubject.Threshold.ShouldBe(4);
        options.ProtectedSubject.ClassWeights["journalist"].ShouldBe(2.0);
        options.ProtectedSubject.Window.ShouldBe(TimeSpan.FromDays(7));
        options.Correlation.Window.ShouldBe(TimeSpan.FromDays(3));
        options.Correlation.RaiseAt.ShouldBe(Severity.High);
        options.OffHours.Enabled.ShouldBeFalse();
        options.UnexplainedAccess.ShouldBe(new DetectionOptions().UnexplainedAccess);
    }

    [Fact]
    public void A_misspelt_field_is_an_error_naming_it_and_the_line()
    {
        File.WriteAllText(_path, "{\n  \"protected_subject\": {\n    \"treshold\": 4\n  }\n}");

        var error = Should.Throw<ExchangeFormatException>(() => DetectionOptionsFile.Read(_path));

        error.Message.ShouldContain(_path);
        error.Message.ShouldContain("treshold");
        error.Line.ShouldBe(3);
    }
}
