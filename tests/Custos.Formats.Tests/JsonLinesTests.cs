using System.Text;

namespace Custos.Formats.Tests;

public sealed class JsonLinesTests
{
    private const string Example = """{"id": "evt-000001", "time": "2026-06-03T14:05:00Z", "reader": "staff:wei", "reader_jurisdiction": "CN", "subject": "user:10042", "categories": ["network.ip_address"], "purpose": "internal-audit", "case": "case:IA-7", "outcome": "allow"}""";

    private static List<AccessEvent> ReadEvents(string text) => EventLog.Read(new StringReader(text), "events.jsonl").ToList();

    [Fact]
    public void The_example_event_of_the_format_reads_with_every_field()
    {
        var e = ReadEvents(Example).Single();

        e.Id.ShouldBe("evt-000001");
        e.Time.ShouldBe(new DateTimeOffset(2026, 6, 3, 14, 5, 0, TimeSpan.Zero));
        (e.Reader, e.ReaderJurisdiction, e.Subject, e.Purpose, e.Case).ShouldBe(("staff:wei", "CN", "user:10042", "internal-audit", "case:IA-7"));
        e.Categories.ShouldBe(["network.ip_address"]);
        e.Outcome.ShouldBe(Outcome.Allow);
    }

    [Fact]
    public void A_null_case_and_blank_lines_are_fine()
    {
        var text = Example + "\n\n" + Example.Replace("\"case:IA-7\"", "null", StringComparison.Ordinal).Replace("evt-000001", "evt-000002", StringComparison.Ordinal) + "\n";

        var events = ReadEvents(text);

        events.Count.ShouldBe(2);
        events[1].Case.ShouldBeNull();
    }

    [Fact]
    public void A_bad_line_is_named_by_its_number_and_field()
    {
        var text = Example + "\n" + Example.Replace("\"reader\": \"staff:wei\", ", "", StringComparison.Ordinal) + "\n";

        var error = Should.Throw<ExchangeFormatException>(() => ReadEvents(text));

        error.Line.ShouldBe(2);
        error.Message.ShouldBe("events.jsonl:2: missing required field 'reader'");
    }

    [Fact]
    public void An_unknown_outcome_lists_the_outcomes()
    {
        var error = Should.Throw<ExchangeFormatException>(() => ReadEvents(Example.Replace("\"allow\"", "\"maybe\"", StringComparison.Ordinal)));

        error.Message.ShouldBe("events.jsonl:1: $.outcome: expected one of \"allow\", \"deny\"");
    }

    [Fact]
    public void A_line_that_is_not_json_is_an_error_on_that_line()
    {
        var error = Should.Throw<ExchangeFormatException>(() => ReadEvents(Example + "\nnot json\n"));

        error.Line.ShouldBe(2);
    }

    [Fact]
    public void Events_must_not_go_back_in_time()
    {
        var later = Example.Replace("14:05:00Z", "14:06:00Z", StringComparison.Ordinal).Replace("evt-000001", "evt-000002", StringComparison.Ordinal);

        var error = Should.Throw<ExchangeFormatException>(() => ReadEvents(later + "\n" + Example));

        error.Line.ShouldBe(2);
        error.Message.ShouldContain("time order");
    }

    [Fact]
    public void Alerts_survive_writing_and_reading_back_in_the_documented_shape()
    {
        var alert = new Alert
        {
            Id = "alr-17",
            Detector = "protected-subject-location",
            Severity = Severity.High,
            RaisedAt = new DateTimeOffset(2026, 6, 3, 14, 5, 0, TimeSpan.Zero),
            Readers = ["staff:wei"],
            Subjects = ["user:10042"],
            Evidence = ["evt-000001"],
            Reason = "IP address of a protected subject (journalist) read under a case that does not name them",
        };
        var writer = new StringWriter();

        JsonLines.Write(writer, alert);
        var line = writer.ToString();
        var back = JsonLines.Read<Alert>(new StringReader(line), "alerts.jsonl").Single();

        line.ShouldBe("""{"id":"alr-17","detector":"protected-subject-location","severity":"high","raised_at":"2026-06-03T14:05:00Z","readers":["staff:wei"],"subjects":["user:10042"],"evidence":["evt-000001"],"reason":"IP address of a protected subject (journalist) read under a case that does not name them"}""" + "\n");
        var again = new StringWriter();
        JsonLines.Write(again, back);
        again.ToString().ShouldBe(line);
        back.RaisedAt.ShouldBe(alert.RaisedAt);
        back.Severity.ShouldBe(Severity.High);
    }

    [Fact]
    public void Files_are_written_as_utf8_without_a_byte_order_mark()
    {
        var path = Path.GetTempFileName();
        try
        {
            EventLog.WriteFile(path, ReadEvents(Example));

            var bytes = File.ReadAllBytes(path);
            bytes[0].ShouldBe((byte)'{');
            EventLog.ReadFile(path).Single().Id.ShouldBe("evt-000001");
            Encoding.UTF8.GetString(bytes).ShouldEndWith("}\n");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
