using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Custos.Access.Scim;
using Custos.Cedar.Syntax;
using Custos.Formats;

namespace Custos.Tests.Fuzz;

/// <summary>
/// The parsers at Custos's edges — Cedar policies, SCIM filters and PATCH paths, world files and
/// event logs — fed random and mutated inputs: each refuses what it cannot read with its own
/// error and never anything else (a stack overflow would end the run), within a second an input.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly TimeSpan Slowest = TimeSpan.FromSeconds(1);

    [Fact]
    public void The_cedar_parser_refuses_mutated_and_deeply_nested_policies_with_a_parse_error()
    {
        var seeds = Directory.GetFiles(RepositoryPaths.IncidentPolicies, "*.cedar").Select(File.ReadAllText).ToList();
        string[] fragments =
        [
            "(", ")", "{", "}", "[", "]", "\"", "\\", "\\u{110000}", "if", "then", "else", "&&", "||", "!", "-", "+", "*", "==", "<=", "has", "like", "is", "in",
            ".", ",", ";", "::", "principal", "?principal", "?resource", "@id(\"x\")", "permit", "forbid", "when", "unless", "9223372036854775808", "ip(\"::1\")",
            "decimal(\"1.0\")", "context", "resource.owner", "Staff::\"x\"", "/*", "//", "\n", "\0", "\u202E",
        ];
        Fuzz("cedar", seeds, fragments, Nested("permit(principal, action, resource) when { ", '(', "true", ')', " };"), text => Parser.ParsePolicies(text), typeof(CedarParseException));
    }

    [Fact]
    public void The_scim_filter_and_path_parsers_refuse_mutated_and_deeply_nested_input_with_a_scim_error()
    {
        string[] seeds =
        [
            "userName eq \"staff:wei\"", "not (active eq true) and (displayName co \"a\" or title sw \"x\")", "emails[type eq \"work\" and value ew \".com\"]",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr", "meta.lastModified gt \"2026-01-01T00:00:00Z\"",
            "members[value eq \"staff:wei\"]", "addresses[type eq \"work\"].country", "active",
        ];
        string[] fragments = ["(", ")", "[", "]", "\"", "\\", " and ", " or ", "not", " eq ", " pr", ".", ":", "urn:", "true", "null", "1e9999", "\u202E", "\0"];
        var resource = JsonNode.Parse("""{"userName":"staff:wei","active":true,"displayName":"Wei","emails":[{"type":"work","value":"wei@example.com"}],"members":[{"value":"staff:wei"}]}""");
        Fuzz("scim-filter", seeds, fragments, Nested("", '(', "userName eq \"x\"", ')', ""), text => ScimFilter.Parse(text).Matches(resource), typeof(ScimException));
        Fuzz("scim-path", seeds, fragments, Nested("members[", '(', "value eq \"x\"", ')', "]"), text => PatchPath.Parse(text), typeof(ScimException));
    }

    [Fact]
    public void The_world_and_event_readers_refuse_mutated_files_with_a_format_error()
    {
        string[] fragments = ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1", "1e400", "\"user:\"", "\"staff:\"", "\\u0000", "\\ud800", "\n"];
        var world = File.ReadAllText(RepositoryPaths.IncidentWorld);
        Fuzz("world", [world], fragments, Nested("{\"staff\":", '[', "[]", ']', "}"), text => WorldFile.Read(Encoding.UTF8.GetBytes(text), "fuzz"), typeof(ExchangeFormatException), inputs: 600);
        var events = string.Join('\n', Enumerable.Range(1, 5).Select(i =>
            $$"""{"id": "evt-00000{{i}}", "time": "2026-06-03T14:0{{i}}:00Z", "reader": "staff:wei", "reader_jurisdiction": "CN", "subject": "user:10042", "categories": ["network.ip_address"], "purpose": "internal-audit", "case": "case:IA-7", "outcome": "allow"}"""));
        Fuzz("events", [events], fragments, Nested("{\"categories\":", '[', "[]", ']', "}"), text => _ = Custos.Formats.EventLog.Read(new StringReader(text), "fuzz").Count(), typeof(ExchangeFormatException));
    }

    /// <summary>Inputs nested <c>n</c> levels deep, for the depths that overflow a recursive parser.</summary>
    private static Func<int, string> Nested(string prefix, char open, string core, char close, string suffix) => depth =>
        prefix + new string(open, depth) + core + new string(close, depth) + suffix;

    /// <summary>
    /// Runs <paramref name="parse"/> over the seeds, random mutations of them, random text and
    /// nested inputs; anything thrown but <paramref name="refusal"/> fails, as does a slow input.
    /// </summary>
    private static void Fuzz(string suite, IReadOnlyList<string> seeds, string[] fragments, Func<int, string> nested, Action<string> parse, Type refusal, int inputs = 3_000)
    {
        var random = new Random(FuzzReport.Seed ^ suite.GetHashCode(StringComparison.Ordinal));
        var failures = new List<string>();
        var refused = 0;
        var slowest = TimeSpan.Zero;
        // Once untimed: the first call pays for JIT compilation and serializer metadata, which is no hang.
        try
        {
            parse(seeds[0]);
        }
        catch (Exception e) when (refusal.IsInstanceOfType(e))
        {
        }
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < inputs && failures.Count < 5; i++)
        {
            var input = (i % 10) switch
            {
                // Deep enough to overflow any recursive parser's stack, shallow enough to lex in milliseconds.
                0 => nested(random.Next(2) == 0 ? random.Next(300) : random.Next(30_000)),
                1 => string.Concat(Enumerable.Range(0, random.Next(200)).Select(_ => (char)random.Next(0x20, 0x7F))),
                2 => string.Concat(Enumerable.Range(0, random.Next(50)).Select(_ => fragments[random.Next(fragments.Length)])),
                _ => Mutate(random, seeds[random.Next(seeds.Count)], fragments),
            };
            var started = Stopwatch.GetTimestamp();
            try
            {
                parse(input);
            }
            catch (Exception e) when (refusal.IsInstanceOfType(e))
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"{e.GetType().Name} ({e.Message}) for {Describe(input)}");
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            slowest = elapsed > slowest ? elapsed : slowest;
            if (elapsed > Slowest)
            {
                failures.Add($"{elapsed.TotalSeconds:0.00} s for {Describe(input)}");
            }
        }
        FuzzReport.Write(suite, $"{inputs} inputs in {clock.Elapsed.TotalSeconds:0.0} s, {refused} refused, {failures.Count} crashes or hangs; slowest {slowest.TotalMilliseconds:0} ms");
        failures.ShouldBeEmpty();
    }

    /// <summary>A few random edits: a fragment inserted, a span deleted or repeated, a character replaced.</summary>
    private static string Mutate(Random random, string seed, string[] fragments)
    {
        var text = new StringBuilder(seed);
        for (var edits = 1 + random.Next(4); edits > 0; edits--)
        {
            var at = random.Next(text.Length + 1);
            var length = Math.Min(random.Next(40), text.Length - at);
            switch (random.Next(4))
            {
                case 0:
                    text.Insert(at, fragments[random.Next(fragments.Length)]);
                    break;
                case 1:
                    text.Remove(at, length);
                    break;
                case 2:
                    text.Insert(at, text.ToString(at, length), random.Next(1, 50));
                    break;
                default:
                    if (at < text.Length)
                    {
                        text[at] = (char)random.Next(0x20, 0x7F);
                    }
                    break;
            }
        }
        return text.ToString();
    }

    private static string Describe(string input) => input.Length > 120 ? $"{input[..120]}… ({input.Length} characters)" : input;
}
