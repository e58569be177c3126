using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Server;
using Custos.Server.Authentication;

namespace Custos.Cli;

/// <summary>
/// <c>custos access …</c>: the access workflow (docs/access-workflow.md) for operators, over the
/// API of a running server: ask for access, see and decide what waits for you, revoke, list grants.
/// The caller is the bearer token's: <c>--token</c> (or <c>CUSTOS_TOKEN</c>), or one minted with
/// the server's own key by <c>--as staff:ID [--location CC] [--data DIR]</c>, as <c>custos token</c>
/// mints it. Output is for people; <c>--json</c> prints the API's JSON instead. A refusal of the
/// API is one line on stderr and exit 1.
/// </summary>
internal static class AccessCommand
{
    public const string TokenVariable = "CUSTOS_TOKEN";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var options = CallerOptions.Create();
        return options.Attach(new Command("access", "Ask for access, approve or deny, revoke, and list grants, against a running server.")
        {
            Request(options), Pending(options), Approve(options), Deny(options), Revoke(options), Grants(options),
            BreakGlass(options), Review(options), Revocations(options), Lift(options),
        });
    }

    private static Command Request(CallerOptions options)
    {
        var subjects = new Option<string[]>("--subject") { Description = "A subject (user:ID) to read; repeat for several.", Required = true, Arity = ArgumentArity.OneOrMore };
        var categories = new Option<string[]>("--category") { Description = "A category to read (network.ip_address); repeat for several.", Required = true, Arity = ArgumentArity.OneOrMore };
        var purpose = new Option<string>("--purpose") { Description = "The purpose of the reads.", Required = true };
        var @case = new Option<string>("--case") { Description = "The open case the reads serve; it must name the subjects.", Required = true };
        var justification = new Option<string>("--justification") { Description = "Why, in your own words (at least 20 characters and three words, not a reason you gave before).", Required = true };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "How long the grant should last, such as 8h or 2d (default: the server's, 24h).",
            CustomParser = result => DurationArgument.Parse(result),
        };

        var command = new Command("request", "Ask for exactly these categories of these subjects, for a purpose and a case, for a time.")
        {
            subjects, categories, purpose, @case, justification, duration,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var body = new Dictionary<string, object?>
            {
                ["subjects"] = parse.GetValue(subjects),
                ["categories"] = parse.GetValue(categories),
                ["purpose"] = parse.GetValue(purpose),
                ["case"] = parse.GetValue(@case),
                ["justification"] = parse.GetValue(justification),
            };
            if (parse.GetValue(duration) is { } span)
            {
                body["duration"] = System.Xml.XmlConvert.ToString(span);
            }
            var request = await CallAsync(parse, options, HttpMethod.Post, "v1/access-requests", body, cancellation);
            return Print(parse, options, request, output =>
            {
                output.WriteLine($"Requested {Text(request, "id")}: {Describe(request)}, for {Span(Text(request, "duration"))}.");
                output.WriteLine($"Status: {Text(request, "status")}. Approvers see it with 'custos access pending'.");
            });
        });
        return command;
    }

    private static Command Pending(CallerOptions options)
    {
        var command = new Command("pending", "List the access requests you may approve and have not yet approved.");
        command.SetAction(async (parse, cancellation) =>
        {
            return await ListAsync(parse, options, "v1/access-requests?pending-for=me", "No access request waits for you.", cancellation,
                ("ID", r => Text(r, "id")),
                ("REQUESTER", r => Text(r, "requester")),
                ("SUBJECTS", r => List(r, "subjects")),
                ("CATEGORIES", r => List(r, "categories")),
                ("PURPOSE", r => Text(r, "purpose")),
                ("CASE", r => Text(r, "case")),
                ("APPROVALS", r => string.Join(",", r.GetProperty("approvals").EnumerateArray().Select(a => Text(a, "approver"))) is { Length: > 0 } by ? by : "-"),
                ("ASKED", r => Time(r, "created_at")),
                ("FOR", r => Span(Text(r, "duration"))),
                // Last, unpadded: what the approver most needs to read, however long it is.
                ("JUSTIFICATION", r => Text(r, "justification")));
        });
        return command;
    }

    private static Command Approve(CallerOptions options)
    {
        var id = new Argument<string>("id") { Description = "The access request (req-…)." };
        var comment = new Option<string>("--comment") { Description = "Why you approve." };
        var command = new Command("approve", "Approve an access request; the grant is issued once the approval rules are met.") { id, comment };
        command.SetAction(async (parse, cancellation) =>
        {
            var result = await CallAsync(parse, options, HttpMethod.Post, $"v1/access-requests/{Uri.EscapeDataString(parse.GetValue(id)!)}/approve", new { comment = parse.GetValue(comment) }, cancellation);
            return Print(parse, options, result, output =>
            {
                var request = result.GetProperty("request");
                var approvers = request.GetProperty("approvals").EnumerateArray().Select(a => Text(a, "approver")).ToList();
                output.WriteLine($"Approved {Text(request, "id")} ({approvers.Count} approval{(approvers.Count == 1 ? "" : "s")}: {string.Join(", ", approvers)}).");
                if (result.GetProperty("grant") is { ValueKind: JsonValueKind.Object } grant)
                {
                    output.WriteLine($"Granted {Text(grant, "id")} to {Text(grant, "reader")} until {Time(grant, "expires_at")}: {Describe(grant)}.");
                }
                else
                {
                    output.WriteLine("Still pending: the approval rules are not met yet.");
                }
            });
        });
        return command;
    }

    private static Command Deny(CallerOptions options)
    {
        var id = new Argument<string>("id") { Description = "The access request (req-…)." };
        var comment = new Option<string>("--comment") { Description = "Why you refuse it.", Required = true };
        var command = new Command("deny", "Refuse an access request (it is closed).") { id, comment };
        command.SetAction(async (parse, cancellation) =>
        {
            var request = await CallAsync(parse, options, HttpMethod.Post, $"v1/access-requests/{Uri.EscapeDataString(parse.GetValue(id)!)}/deny", new { comment = parse.GetValue(comment) }, cancellation);
            return Print(parse, options, request, output => output.WriteLine($"Denied {Text(request, "id")} of {Text(request, "requester")}: {Text(request, "closed_reason")}"));
        });
        return command;
    }

    private static Command Revoke(CallerOptions options)
    {
        var department = new Option<string>("--department") { Description = "Revoke everyone in this department (dept:…) and the departments under it." };
        var role = new Option<string>("--role") { Description = "Revoke everyone with this role." };
        var staff = new Option<string>("--staff") { Description = "Revoke one person (staff:…)." };
        var reason = new Option<string>("--reason") { Description = "Why: it is kept, and given as the reason of every decision it denies.", Required = true };
        var command = new Command("revoke", "Cut a department's, a role's or a person's access everywhere in one action (admin or oversight).")
        {
            department, role, staff, reason,
        };
        command.Validators.Add(result =>
        {
            var named = new[] { department, role, staff }.Count(o => result.GetResult(o) is not null);
            if (named != 1)
            {
                result.AddError("Name exactly one of --department, --role or --staff.");
            }
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var body = new { department = parse.GetValue(department), role = parse.GetValue(role), staff = parse.GetValue(staff), reason = parse.GetValue(reason) };
            var report = await CallAsync(parse, options, HttpMethod.Post, "v1/revocations", body, cancellation);
            return Print(parse, options, report, output =>
            {
                output.WriteLine($"Revoked {Text(report, "id")} ({Text(report, "scope")} {Text(report, "value")}): {Text(report, "reason")}");
                foreach (var (title, field) in new[] { ("People affected", "people"), ("Grants cut", "grants_cut"), ("Requests cancelled", "requests_cancelled") })
                {
                    var items = report.GetProperty(field).EnumerateArray().Select(e => e.GetString()).ToList();
                    output.WriteLine($"{title} ({items.Count}): {(items.Count > 0 ? string.Join(", ", items) : "none")}");
                }
            });
        });
        return command;
    }

    private static Command BreakGlass(CallerOptions options)
    {
        var unreviewed = new Option<bool>("--unreviewed") { Description = "Only those awaiting review, overdue first." };
        var command = new Command("break-glass", "List break-glass grants and their review (oversight).") { unreviewed };
        command.SetAction(async (parse, cancellation) =>
        {
            return await ListAsync(parse, options, "v1/break-glass" + (parse.GetValue(unreviewed) ? "?unreviewed" : ""), "No break-glass grants.", cancellation,
                ("ID", b => Text(b.GetProperty("grant"), "id")),
                ("READER", b => Text(b.GetProperty("grant"), "reader")),
                ("ISSUED", b => Time(b.GetProperty("grant"), "issued_at")),
                ("REVIEW DUE", b => Time(b, "review_due") + (b.GetProperty("overdue").GetBoolean() ? " (overdue)" : "")),
                ("REVIEW", b => b.GetProperty("outcome").ValueKind == JsonValueKind.String ? $"{Text(b, "outcome")} by {Text(b, "reviewed_by")}" : "-"),
                ("SUBJECTS", b => List(b.GetProperty("grant"), "subjects")),
                ("CATEGORIES", b => List(b.GetProperty("grant"), "categories")),
                ("JUSTIFICATION", b => Text(b, "justification")));
        });
        return command;
    }

    private static Command Review(CallerOptions options)
    {
        var id = new Argument<string>("id") { Description = "The break-glass grant (grant-…)." };
        var outcome = new Option<string>("--outcome") { Description = "Whether the emergency justified it.", Required = true };
        outcome.AcceptOnlyFromAmong("justified", "unjustified");
        var note = new Option<string>("--note") { Description = "What you found.", Required = true };
        var command = new Command("review", "Record the review a break-glass grant owes (oversight, independent of its reader).") { id, outcome, note };
        command.SetAction(async (parse, cancellation) =>
        {
            var body = new { outcome = parse.GetValue(outcome), note = parse.GetValue(note) };
            var record = await CallAsync(parse, options, HttpMethod.Post, $"v1/break-glass/{Uri.EscapeDataString(parse.GetValue(id)!)}/review", body, cancellation);
            return Print(parse, options, record, output =>
                output.WriteLine($"Reviewed {Text(record.GetProperty("grant"), "id")} of {Text(record.GetProperty("grant"), "reader")}: {Text(record, "outcome")}."));
        });
        return command;
    }

    private static Command Revocations(CallerOptions options)
    {
        var command = new Command("revocations", "List revocations, standing and lifted (admin and oversight).");
        command.SetAction(async (parse, cancellation) =>
        {
            return await ListAsync(parse, options, "v1/revocations", "No revocations.", cancellation,
                ("ID", r => Text(r, "id")),
                ("SCOPE", r => $"{Text(r, "scope")} {Text(r, "value")}"),
                ("BY", r => Text(r, "by")),
                ("AT", r => Time(r, "at")),
                ("STATE", r => r.GetProperty("lifted").GetBoolean() ? "lifted" : "standing"),
                ("REASON", r => Text(r, "reason")));
        });
        return command;
    }

    private static Command Lift(CallerOptions options)
    {
        var id = new Argument<string>("id") { Description = "The revocation (rev-…)." };
        var reason = new Option<string>("--reason") { Description = "Why access may resume: it is kept in the ledger.", Required = true };
        var command = new Command("lift", "Lift a standing revocation (admin or oversight, independent of the people it names).") { id, reason };
        command.SetAction(async (parse, cancellation) =>
        {
            var revocation = await CallAsync(parse, options, HttpMethod.Post, $"v1/revocations/{Uri.EscapeDataString(parse.GetValue(id)!)}/lift", new { reason = parse.GetValue(reason) }, cancellation);
            return Print(parse, options, revocation, output =>
                output.WriteLine($"Lifted {Text(revocation, "id")} ({Text(revocation, "scope")} {Text(revocation, "value")})."));
        });
        return command;
    }

    private static Command Grants(CallerOptions options)
    {
        var reader = new Option<string>("--reader") { Description = "Whose grants (admin and oversight may name anyone; default: yours, or everyone's for them)." };
        var command = new Command("grants", "List grants: who may read what, for what, until when.") { reader };
        command.SetAction(async (parse, cancellation) =>
        {
            var query = parse.GetValue(reader) is { } name ? $"?reader={Uri.EscapeDataString(name)}" : "";
            return await ListAsync(parse, options, "v1/grants" + query, "No grants.", cancellation,
                ("ID", g => Text(g, "id")),
                ("READER", g => Text(g, "reader")),
                ("STATUS", g => Text(g, "status") + (g.GetProperty("break_glass").GetBoolean() ? " (break-glass)" : "")),
                ("EXPIRES", g => Time(g, "expires_at")),
                ("SUBJECTS", g => List(g, "subjects")),
                ("CATEGORIES", g => List(g, "categories")),
                ("PURPOSE", g => Text(g, "purpose")),
                ("CASE", g => Text(g, "case")));
        });
        return command;
    }

    /// <summary>Calls the API as the caller the options name; a refusal becomes one line and exit 1.</summary>
    internal static async Task<JsonElement> CallAsync(ParseResult parse, CallerOptions options, HttpMethod method, string path, object? body, CancellationToken cancellation)
    {
        var server = parse.GetValue(options.Server)!;
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerToken(parse, options));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"cannot reach {server} ({e.Message}); is 'custos serve' running?", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellation);
            JsonElement json = default;
            try
            {
                json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
            }
            catch (JsonException)
            {
                // Not JSON: said below, by status.
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(Problem((int)response.StatusCode, json));
            }
            return json.ValueKind == JsonValueKind.Undefined
                ? throw new InvalidOperationException($"{server} answered {(int)response.StatusCode} without JSON")
                : json;
        }
    }

    /// <summary>A problem+json answer as one line: its status, title and detail.</summary>
    private static string Problem(int status, JsonElement problem)
    {
        var title = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("title", out var t) ? t.GetString() : null;
        var detail = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        var hint = status == 401 ? " (is the token signed by this server's key, and not expired?)" : "";
        return $"{status} {title ?? "error"}{(detail is null ? "" : ": " + detail)}{hint}";
    }

    private static string BearerToken(ParseResult parse, CallerOptions options)
    {
        var token = parse.GetValue(options.Token);
        var identity = parse.GetValue(options.As);
        if (token is not null && identity is not null)
        {
            throw new InvalidOperationException("give either --token or --as, not both");
        }
        if (identity is not null)
        {
            var data = Path.GetFullPath(parse.GetValue(options.Data)!);
            // The server makes its key when it starts: a key made here would sign tokens it refuses.
            return LocalTokens.Mint(LocalSigningKey.Load(data), identity, parse.GetValue(options.Location), TimeSpan.FromMinutes(5));
        }
        token ??= Environment.GetEnvironmentVariable(TokenVariable);
        return string.IsNullOrWhiteSpace(token)
            ? throw new InvalidOperationException($"say who you are: --token TOKEN (or ${TokenVariable}), or --as staff:ID with the server's --data")
            : token.Trim();
    }

    /// <summary>GETs a JSON array and prints it as a table (or the API's JSON with --json).</summary>
    private static async Task<int> ListAsync(
        ParseResult parse, CallerOptions options, string path, string empty, CancellationToken cancellation, params (string Title, Func<JsonElement, string> Cell)[] columns)
    {
        var rows = await CallAsync(parse, options, HttpMethod.Get, path, null, cancellation);
        return Print(parse, options, rows, output => Table(output, empty, rows, columns));
    }

    internal static int Print(ParseResult parse, CallerOptions options, JsonElement json, Action<TextWriter> text)
    {
        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(options.Json))
        {
            output.WriteLine(JsonSerializer.Serialize(json, Indented));
        }
        else
        {
            text(output);
        }
        return ExitCodes.Success;
    }

    internal static void Table(TextWriter output, string empty, JsonElement rows, params (string Title, Func<JsonElement, string> Cell)[] columns)
    {
        var items = rows.EnumerateArray().ToList();
        if (items.Count == 0)
        {
            output.WriteLine(empty);
            return;
        }
        // A row is one line: free text (a justification, a reason) has its line breaks folded.
        var cells = items.Select(r => columns.Select(c => CustosCommandLine.OneLine(c.Cell(r))).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Title.Length, cells.Max(row => row[i].Length))).ToArray();
        string Line(IReadOnlyList<string> values)
        {
            var line = new StringBuilder();
            for (var i = 0; i < values.Count; i++)
            {
                line.Append(i < values.Count - 1 ? values[i].PadRight(widths[i] + 2) : values[i]);
            }
            return line.ToString();
        }
        output.WriteLine(Line([.. columns.Select(c => c.Title)]));
        foreach (var row in cells)
        {
            output.WriteLine(Line(row));
        }
    }

    /// <summary>An ISO 8601 duration as people write it: 8h, 2d, 1d12h, 90m.</summary>
    private static string Span(string iso)
    {
        TimeSpan span;
        try
        {
            span = System.Xml.XmlConvert.ToTimeSpan(iso);
        }
        catch (FormatException)
        {
            return iso;
        }
        var text = new StringBuilder();
        if (span.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Days}d");
        }
        if (span.Hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Hours}h");
        }
        if (span.Minutes > 0 || text.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Minutes}m");
        }
        return text.ToString();
    }

    private static string Describe(JsonElement e) =>
        $"{List(e, "categories")} of {List(e, "subjects")} for {Text(e, "purpose")} under {Text(e, "case")}";

    internal static string Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "-",
            _ => value.ToString(),
        } : "-";

    /// <summary>A time to the second, in UTC, as formats.md writes times.</summary>
    internal static string Time(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : Text(e, property);

    internal static string List(JsonElement e, string property) =>
        string.Join(",", e.GetProperty(property).EnumerateArray().Select(v => v.GetString()));

    /// <summary>Where the server is, who calls it, and how to print: on <c>custos access</c>, for every subcommand.</summary>
    internal sealed class CallerOptions
    {
        public Option<Uri> Server { get; } = Recursive(ServerOption.Create($"The running server (default {ServerOptions.DefaultUrls}).", new Uri(ServerOptions.DefaultUrls)));

        public Option<string> Token { get; } = new("--token")
        {
            Description = $"The bearer token to call with (default: ${TokenVariable}).",
            Recursive = true,
        };

        public Option<string> As { get; } = new("--as")
        {
            Description = "Mint a token for staff:ID with the server's key (from --data) instead of giving --token.",
            Recursive = true,
        };

        public Option<string> Location { get; } = new("--location")
        {
            Description = "With --as: ISO 3166-1 alpha-2 code of where you are (requests about zoned subjects need it).",
            Recursive = true,
        };

        public Option<string> Data { get; } = new("--data")
        {
            Description = $"With --as: the server's data directory, whose key signs the token (default ./{ServerOptions.DefaultDataDirectory}).",
            DefaultValueFactory = _ => ServerOptions.DefaultDataDirectory,
            Recursive = true,
        };

        public Option<bool> Json { get; } = new("--json")
        {
            Description = "Print the API's JSON rather than text.",
            Recursive = true,
        };

        /// <summary>The options with their checks: --as names staff, --location a country.</summary>
        public static CallerOptions Create()
        {
            var options = new CallerOptions();
            options.As.Validators.Add(result =>
            {
                var value = result.GetValueOrDefault<string>();
                if (value is null || !value.StartsWith("staff:", StringComparison.Ordinal) || value.Length == "staff:".Length)
                {
                    result.AddError($"--as must be staff:ID, not '{value}'.");
                }
            });
            TokenCommand.MustBeACountry(options.Location);
            return options;
        }

        /// <summary>Puts the options on <paramref name="command"/> and requires every subcommand to name its caller.</summary>
        public Command Attach(Command command)
        {
            foreach (var option in new Option[] { Server, Token, As, Location, Data, Json })
            {
                command.Options.Add(option);
            }
            foreach (var subcommand in command.Subcommands)
            {
                subcommand.Validators.Add(Validate);
            }
            return command;
        }

        /// <summary>The caller is named once: by a token, or by --as.</summary>
        public void Validate(CommandResult result)
        {
            var token = result.GetResult(Token) is not null;
            var identity = result.GetResult(As) is not null;
            if (token && identity)
            {
                result.AddError("Give either --token or --as, not both.");
            }
            else if (!token && !identity && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TokenVariable)))
            {
                result.AddError($"Say who you are: --token TOKEN (or ${TokenVariable}), or --as staff:ID with the server's --data.");
            }
        }

        private static Option<T> Recursive<T>(Option<T> option)
        {
            option.Recursive = true;
            return option;
        }
    }
}
