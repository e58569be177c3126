using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Custos.Cli;
using Custos.Oversight;
using Custos.Tests.Access;
using Custos.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Custos.Tests.Detection.Oversight;

namespace Custos.Tests.Detection;

/// <summary>The webhook sink: every alert entry POSTed to a SIEM, signed, retried with backoff until taken, at least once across restarts.</summary>
public sealed class WebhookTests : IDisposable
{
    private const string Secret = "s3cret-shared-with-the-siem";

    private readonly TempDirectory _temp = new();
    private readonly Receiver _siem = new();

    public void Dispose()
    {
        _siem.Dispose();
        _temp.Dispose();
    }

    private CustosApp Start() => new(dataDirectory: _temp.Combine("data"), time: new FakeTimeProvider(IncidentApp.IncidentTime), settings: new Dictionary<string, string?>
    {
        ["Detection:Webhooks:0:Name"] = "siem",
        ["Detection:Webhooks:0:Url"] = _siem.Url,
        ["Detection:Webhooks:0:Secret"] = Secret,
        ["Detection:Webhooks:0:InitialBackoff"] = "00:00:00.050",
        ["Detection:Webhooks:0:MaxBackoff"] = "00:00:00.200",
        ["Detection:Webhooks:0:Timeout"] = "00:00:02",
    });

    [Fact]
    public async Task A_new_alert_is_posted_signed_and_retried_until_the_receiver_takes_it()
    {
        _siem.FailNext(2);
        using var app = Start();

        var read = await DecideAsync(app, AuditorReads[0]);

        await EventuallyAsync(() => Task.FromResult(_siem.Taken.Count >= 1), "the delivery taken");
        var attempts = _siem.Attempts.ToList();
        attempts.Count.ShouldBeGreaterThanOrEqualTo(3);
        attempts.Take(3).Select(a => a.Delivery).Distinct().ShouldHaveSingleItem("the same entry each time");
        attempts.Take(2).ShouldAllBe(a => !a.Taken);
        var taken = _siem.Taken[0];
        taken.Signature.ShouldBe(WebhookSink.Sign(Secret, taken.Timestamp!, taken.Body));
        var delivery = JsonDocument.Parse(taken.Body).RootElement;
        delivery.GetProperty("change").GetString().ShouldBe("raised");
        delivery.GetProperty("ledger_index").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(taken.Delivery);
        var alert = delivery.GetProperty("alert");
        alert.GetProperty("id").GetString().ShouldBe("alr-1");
        alert.GetProperty("detector").GetString().ShouldBe("protected-subject");
        alert.GetProperty("severity").GetString().ShouldBe("high");
        alert.GetProperty("raised_at").GetString().ShouldBe("2026-06-03T14:05:00Z");
        Strings(alert, "readers").ShouldBe(["staff:mason"]);
        Strings(alert, "subjects").ShouldBe(["user:10042"]);
        Evidence(alert).ShouldBe([read]);
        alert.GetProperty("queue").GetString().ShouldBe("dept:oversight");
        alert.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();
        alert.GetProperty("ledger_entries").EnumerateArray().Single().GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(taken.Delivery);

        // Updates and triage follow, in ledger order.
        await DecideAsync(app, AuditorReads[2]);
        (await TriageAsync(app, "staff:olu", "alr-1", new { outcome = "confirmed", note = "escalated" })).Status.ShouldBe(HttpStatusCode.OK);
        await EventuallyAsync(() => Task.FromResult(_siem.Taken.Any(t => Change(t) == "triaged")), "the triage delivered");
        var changes = _siem.Taken.Select(Change).ToList();
        changes.ShouldBe(["raised", "updated", "triaged"]);
        _siem.Taken.Select(t => long.Parse(t.Delivery, System.Globalization.CultureInfo.InvariantCulture)).ShouldBeInOrder();
        var triaged = JsonDocument.Parse(_siem.Taken[^1].Body).RootElement.GetProperty("alert");
        triaged.GetProperty("status").GetString().ShouldBe("confirmed");
        triaged.GetProperty("triage")[0].GetProperty("note").GetString().ShouldBe("escalated");
    }

    [Fact]
    public async Task A_delivery_not_taken_before_a_restart_is_delivered_after_it()
    {
        _siem.FailAll = true;
        using (var app = Start())
        {
            await DecideAsync(app, AuditorReads[0]);
            await EventuallyAsync(() => Task.FromResult(_siem.Attempts.Count >= 3), "attempts while the SIEM is down");
        }
        _siem.Taken.ShouldBeEmpty();
        var refused = _siem.Attempts.First().Delivery;

        _siem.FailAll = false;
        using (var app = Start())
        {
            _ = app.Services; // starts the server: nothing else asks it anything
            await EventuallyAsync(() => Task.FromResult(_siem.Taken.Count >= 1), "the delivery after the restart");
            _siem.Taken[0].Delivery.ShouldBe(refused);
            Change(_siem.Taken[0]).ShouldBe("raised");
        }
    }

    private static string Change(Receiver.Request request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("change").GetString()!;

    /// <summary>A SIEM on a local port: answers 500 while told to fail, 200 otherwise, and records everything.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;
        private int _failures;

        public Receiver()
        {
            var port = CustosProcess.FreePort();
            Url = $"http://127.0.0.1:{port}/custos/alerts";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public sealed record Request(string Delivery, string? Timestamp, string? Signature, byte[] Body, bool Taken);

        public string Url { get; }

        public bool FailAll { get; set; }

        public ConcurrentQueue<Request> Attempts { get; } = new();

        public IReadOnlyList<Request> Taken => [.. Attempts.Where(a => a.Taken)];

        public void FailNext(int count) => _failures = count;

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                _ = Task.Run(() => AnswerAsync(context));
            }
        }

        private async Task AnswerAsync(HttpListenerContext context)
        {
            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var fail = FailAll || Interlocked.Decrement(ref _failures) >= 0;
                Attempts.Enqueue(new Request(
                    context.Request.Headers[WebhookSink.DeliveryHeader] ?? "",
                    context.Request.Headers[WebhookSink.TimestampHeader],
                    context.Request.Headers[WebhookSink.SignatureHeader],
                    body.ToArray(),
                    !fail));
                context.Response.StatusCode = fail ? 500 : 200;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The server stopped in the middle of a request: the next one comes on a new connection.
            }
        }
    }
}
