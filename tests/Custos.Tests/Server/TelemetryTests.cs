using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Custos.Server.Authentication;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Custos.Tests.Server;

public sealed class TelemetryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Three readers, subjects and cases of the demo world: none may show in a metric.</summary>
    private static readonly (string Reader, string Location, object Body)[] Reads =
    [
        ("staff:jules", "US", new { subject = "user:40002", categories = new[] { "profile.basic" }, purpose = "customer-support", @case = "case:SUP-1001" }),
        ("staff:jules", "US", new { subject = "user:10042", categories = new[] { "profile.basic", "network.ip_address" }, purpose = "customer-support", @case = "case:SUP-1001" }),
        ("staff:harper", "US", new { subject = "user:10042", categories = new[] { "profile.basic" }, purpose = "internal-audit", @case = "case:IA-8" }),
    ];

    /// <summary>A new staff member, as the identity provider sends one.</summary>
    private const string NewStaff = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "urn:custos:scim:schemas:1.0:Staff"],
          "userName": "staff:zoe", "name": {"givenName": "Zoe", "familyName": "Okafor"}, "active": true,
          "roles": [{"value": "support-agent"}],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "dept:support", "manager": {"value": "staff:kofi"}},
          "urn:custos:scim:schemas:1.0:Staff": {"jurisdiction": "US", "account": "user:90099"}
        }
        """;

    [Fact]
    public async Task Metrics_after_100_decisions_count_100_with_their_latency_and_name_no_person()
    {
        // A process of its own: the meters are per process, and other tests decide in this one.
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        var key = LocalSigningKey.LoadOrCreate(data);
        var port = CustosProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, ["--data", data, "--urls", $"http://127.0.0.1:{port}"]);
        await WaitUntilReadyAsync(server.Client);

        for (var i = 0; i < 100; i++)
        {
            var (reader, location, body) = Reads[i % Reads.Length];
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/decisions", UriKind.Relative)) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(key, reader, location, TimeSpan.FromMinutes(5)));
            using var response = await server.Client.SendAsync(request, Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        }
        using (var anonymous = await server.Client.PostAsJsonAsync(new Uri("v1/decisions", UriKind.Relative), Reads[0].Body, Cancel))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        using (var scim = new HttpRequestMessage(HttpMethod.Post, new Uri("scim/v2/Users", UriKind.Relative)) { Content = new StringContent(NewStaff, Encoding.UTF8, "application/scim+json") })
        {
            scim.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(key, "service:idp", null, TimeSpan.FromMinutes(5)));
            using var created = await server.Client.SendAsync(scim, Cancel);
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
        }

        using var scrape = await server.Client.GetAsync(new Uri("metrics", UriKind.Relative), Cancel);
        scrape.StatusCode.ShouldBe(HttpStatusCode.OK);
        scrape.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var metrics = Parse(await scrape.Content.ReadAsStringAsync(Cancel));

        Sum(metrics, "custos_decisions_total", "mode=\"pdp\"").ShouldBe(100);
        Sum(metrics, "custos_decision_duration_seconds_count", "mode=\"pdp\"").ShouldBe(100);
        Sum(metrics, "custos_decision_duration_seconds_bucket", "le=\"+Inf\"").ShouldBe(100);
        Sum(metrics, "custos_decision_duration_seconds_bucket", "le=\"0.1\"").ShouldBeGreaterThan(0);
        metrics.ShouldContain(m => m.Name == "custos_decision_duration_seconds_sum" && m.Value > 0);
        // Every decision and the start-up's activations went through the ledger's group commit.
        Sum(metrics, "custos_ledger_append_duration_seconds_count", "").ShouldBeGreaterThanOrEqualTo(100);
        Sum(metrics, "custos_ledger_batch_size_sum", "").ShouldBe(Sum(metrics, "custos_ledger_append_duration_seconds_count", ""));
        Sum(metrics, "custos_authentication_failures_total", "reason=\"missing\"").ShouldBe(1);
        Sum(metrics, "custos_scim_changes_total", "result=\"activated\"").ShouldBe(1);
        metrics.ShouldContain(m => m.Name == "custos_ledger_checkpoint_age_seconds" && m.Value >= 0);
        metrics.ShouldContain(m => m.Name == "custos_detection_lag" && m.Value >= 0);

        // Labels are closed vocabularies: no reader, subject or case, in any form.
        foreach (var metric in metrics)
        {
            foreach (var person in new[] { "staff:", "user:", "case:", "jules", "harper", "40002", "10042", "SUP-1001", "IA-8", "zoe" })
            {
                metric.Labels.ShouldNotContain(person, Case.Insensitive, $"{metric.Name}{{{metric.Labels}}}");
            }
        }
    }

    [Fact]
    public async Task Each_decision_is_one_trace_through_the_pipeline_cedar_and_the_ledger_commit()
    {
        var spans = new List<Activity>();
        using var app = new CustosApp(
            settings: new Dictionary<string, string?> { ["Telemetry:Tracing"] = "true" },
            services: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));

        var traces = new List<ActivityTraceId>();
        foreach (var (reader, location, body) in Reads)
        {
            var trace = ActivityTraceId.CreateRandom();
            traces.Add(trace);
            using var client = app.ClientAs(reader, location);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/decisions", UriKind.Relative)) { Content = JsonContent.Create(body) };
            request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await client.SendAsync(request, Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The hosting and commit spans end after the response has reached the client, so they may be exported a moment later.
        Activity[] finished = [];
        for (var waited = 0; waited < 100; waited++)
        {
            lock (spans)
            {
                finished = [.. spans];
            }
            if (traces.All(t => finished.Any(s => s.TraceId == t && s.Kind == ActivityKind.Server)
                && finished.Where(s => s.TraceId == t && s.OperationName == "custos.ledger.append")
                    .All(a => finished.Any(c => c.OperationName == "custos.ledger.commit" && c.Links.Any(l => l.Context.SpanId == a.SpanId)))))
            {
                break;
            }
            await Task.Delay(50, Cancel);
        }
        foreach (var trace in traces)
        {
            var ofTrace = finished.Where(s => s.TraceId == trace).ToList();
            var http = ofTrace.Where(s => s.Kind == ActivityKind.Server).ShouldHaveSingleItem();
            var decide = ofTrace.Single(s => s.OperationName == "custos.decide");
            var cedar = ofTrace.Single(s => s.OperationName == "custos.cedar.evaluate");
            var append = ofTrace.Single(s => s.OperationName == "custos.ledger.append");
            decide.ParentSpanId.ShouldBe(http.SpanId);
            cedar.ParentSpanId.ShouldBe(decide.SpanId);
            append.ParentSpanId.ShouldBe(decide.SpanId);
            decide.GetTagItem("custos.ledger.index").ShouldBe(append.GetTagItem("custos.ledger.index"));

            // The group commit serves many requests: a trace of its own, linked to each append it made durable.
            var commit = finished.Single(s => s.OperationName == "custos.ledger.commit" && s.Links.Any(l => l.Context.SpanId == append.SpanId));
            commit.TraceId.ShouldNotBe(trace);
            ((int)commit.GetTagItem("custos.ledger.batch.size")!).ShouldBeGreaterThanOrEqualTo(1);
        }
    }

    [Fact]
    public async Task Log_lines_of_a_request_carry_its_trace_id()
    {
        var logs = new ScopeCapture();
        using var app = new CustosApp(
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" },
            services: services => services.AddSingleton<ILoggerProvider>(logs));
        var trace = ActivityTraceId.CreateRandom();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/healthz", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await client.SendAsync(request, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lines = logs.Lines.Where(l => l.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && l.Message.Contains("/healthz", StringComparison.Ordinal)).ToList();
        lines.ShouldNotBeEmpty();
        lines.ShouldAllBe(l => l.Scopes.Any(scope => scope.Key == "TraceId" && Equals(scope.Value, trace.ToHexString())));
    }

    /// <summary>Every log line with the scopes it was written under.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly List<(string Category, string Message, List<KeyValuePair<string, object?>> Scopes)> _lines = [];
        private IExternalScopeProvider? _scopes;

        public IReadOnlyList<(string Category, string Message, List<KeyValuePair<string, object?>> Scopes)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<KeyValuePair<string, object?>>();
                capture._scopes?.ForEachScope((scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        list.AddRange(pairs);
                    }
                }, scopes);
                lock (capture._lines)
                {
                    capture._lines.Add((category, formatter(state, exception), scopes));
                }
            }
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var response = await client.GetAsync(new Uri("readyz", UriKind.Relative), Cancel);
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(100, Cancel);
        }
        throw new TimeoutException("the server did not become ready");
    }

    private sealed record Sample(string Name, string Labels, double Value);

    /// <summary>The samples of a Prometheus text exposition: <c>name{labels} value</c>, comments skipped.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var labels = brace >= 0 ? line[(brace + 1)..line.LastIndexOf('}')] : "";
            var value = line[(line.IndexOf(' ', Math.Max(0, line.LastIndexOf('}'))) + 1)..].Split(' ')[0];
            samples.Add(new Sample(name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    private static double Sum(List<Sample> samples, string name, string label) =>
        samples.Where(s => s.Name == name && s.Labels.Contains(label, StringComparison.Ordinal)).Sum(s => s.Value);
}
