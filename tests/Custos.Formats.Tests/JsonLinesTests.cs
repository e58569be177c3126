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

    [Fact]
    public void A_file_reads_as_its_decoded_text_reads_whatever_its_line_ends_and_blank_lines()
    {
        var second = Example.Replace("evt-000001", "evt-000002", StringComparison.Ordinal).Replace("14:05:00Z", "16:05:00.25+02:00", StringComparison.Ordinal);
        var third = Example.Replace("evt-000001", "evt-000003", StringComparison.Ordinal).Replace("14:05:00Z", "14:06:00.1234567Z", StringComparison.Ordinal)
            .Replace("staff:wei", "staff:w\u00e9i", StringComparison.Ordinal).Replace("user:10042", "user:ü", StringComparison.Ordinal);
        var text = Example + "\r\n \t\r\n\u00a0\n" + second + "\r\r" + third;
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var fromFile = WithFile(bytes, path => EventLog.ReadFile(path).ToList());

        var fromText = ReadEvents(text);
        fromFile.Select(Json).ShouldBe(fromText.Select(Json));
        fromFile.Select(e => e.Id).ShouldBe(["evt-000001", "evt-000002", "evt-000003"]);
        fromFile[1].Time.ShouldBe(new DateTimeOffset(2026, 6, 3, 14, 5, 0, 250, TimeSpan.Zero));
        fromFile[2].Time.Ticks.ShouldBe(new DateTimeOffset(2026, 6, 3, 14, 6, 0, TimeSpan.Zero).Ticks + 1_234_567);
        fromFile[2].Reader.ShouldBe("staff:wéi");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"id\": \"evt-2\"}")]
    [InlineData("null")]
    [InlineData("2026-06-03T14:05:00")]
    [InlineData("2026-02-30T14:05:00Z")]
    [InlineData("2026-06-03T24:00:00Z")]
    [InlineData("2026-06-03T14:05:60Z")]
    [InlineData("2026-06-03T14:05:00.12345678Z")]
    [InlineData("2026-06-03T14:05:00+15:00")]
    [InlineData("2026-06-03t14:05:00z")]
    [InlineData("2026-06-03 14:05:00Z")]
    public void A_bad_line_in_a_file_fails_as_it_fails_in_text(string bad)
    {
        var line = bad.StartsWith("20", StringComparison.Ordinal) ? Example.Replace("2026-06-03T14:05:00Z", bad, StringComparison.Ordinal) : bad;
        var text = Example + "\n" + line + "\n";

        var fromFile = Should.Throw<ExchangeFormatException>(() => WithFile(Encoding.UTF8.GetBytes(text), path => EventLog.ReadFile(path).ToList()));

        var fromText = Should.Throw<ExchangeFormatException>(() => ReadEvents(text));
        fromFile.Line.ShouldBe(2);
        fromFile.Message.ShouldBe(fromText.Message.Replace("events.jsonl", fromFile.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_read_as_the_decoder_reads_them()
    {
        var bytes = Encoding.UTF8.GetBytes(Example).ToList();
        var at = bytes.IndexOf((byte)'w');
        bytes[at] = 0xFF;

        var fromFile = WithFile([.. bytes], path => EventLog.ReadFile(path).Single());

        fromFile.Reader.ShouldBe(ReadEvents(Encoding.UTF8.GetString([.. bytes])).Single().Reader);
        fromFile.Reader.ShouldBe("staff:\ufffdei");
    }

    private static string Json(AccessEvent e) => System.Text.Json.JsonSerializer.Serialize(e, FormatJson.Options);

    private static T WithFile<T>(byte[] bytes, Func<string, T> read)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            return read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
