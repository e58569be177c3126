using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Access.Alerts;
using Custos.Access.Storage;
using Custos.Formats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custos.Oversight;

/// <summary>
/// POSTs every alert entry — raised, updated, closed, merged, triaged — to each configured
/// webhook (a SIEM), in ledger order, at least once. The outbox is the alerts projection itself:
/// each webhook keeps its own position (the next ledger index to deliver) in the store beside
/// the projections, moved only after the receiver answered 2xx. A failure is retried with
/// exponential backoff and jitter until it succeeds; a restart resumes from the position, so an
/// entry delivered just before a crash may be delivered again (receivers deduplicate on
/// <c>Custos-Delivery</c>, the entry's ledger index). Decisions never wait for any of it.
/// </summary>
public sealed class WebhookSink(
    AccessStore store,
    DetectionWorker worker,
    IHttpClientFactory clients,
    IOptions<LiveDetectionOptions> options,
    TimeProvider time,
    ILogger<WebhookSink> logger) : BackgroundService
{
    public const string ClientName = "custos-webhooks";

    /// <summary>Header: the ledger index of the alert entry delivered; the same on every retry.</summary>
    public const string DeliveryHeader = "Custos-Delivery";

    /// <summary>Header: Unix seconds when the request was signed.</summary>
    public const string TimestampHeader = "Custos-Timestamp";

    /// <summary>Header: <c>sha256=</c> and the hex HMAC-SHA256, with the shared secret, of the timestamp, a dot, and the body.</summary>
    public const string SignatureHeader = "Custos-Signature";

    private const int Batch = 64;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    /// <summary>The signature a receiver recomputes to trust a delivery.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var webhooks = options.Value.Webhooks;
        if (!options.Value.Enabled || webhooks.Count == 0)
        {
            return Task.CompletedTask;
        }
        return Task.WhenAll(webhooks.Select(webhook => RunAsync(webhook, stoppingToken)));
    }

    private async Task RunAsync(WebhookOptions webhook, CancellationToken cancellation)
    {
        var position = $"webhook:{webhook.Key}";
        var name = webhook.Name ?? webhook.Url!.GetLeftPart(UriPartial.Path);
        // Never the URL's user info: metrics go to whoever scrapes them.
        var tag = new KeyValuePair<string, object?>("webhook", webhook.Name ?? webhook.Url!.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await store.EnsureReadyAsync(cancellation);
                var next = await store.ProjectionNextIndexAsync(position, cancellation);
                while (true)
                {
                    var progress = worker.Progress;
                    var entries = await store.AlertEntriesFromAsync(next, Batch, cancellation);
                    if (entries.Count == 0)
                    {
                        await WaitAsync(progress, cancellation);
                        continue;
                    }
                    var backlog = entries.Count;
                    OversightTelemetry.WebhookBacklog.Add(backlog, tag);
                    try
                    {
                        foreach (var entry in entries)
                        {
                            var body = JsonSerializer.SerializeToUtf8Bytes(await DeliveryAsync(entry, cancellation), AlertJson.Options);
                            await DeliverAsync(webhook, name, entry.LedgerIndex, body, cancellation);
                            next = entry.LedgerIndex + 1;
                            await store.SaveProjectionPositionAsync(position, next, cancellation);
                            backlog--;
                            OversightTelemetry.WebhookBacklog.Add(-1, tag);
                        }
                    }
                    finally
                    {
                        // Stopped or failed mid-batch: the rest is read again from the position.
                        OversightTelemetry.WebhookBacklog.Add(-backlog, tag);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (StoreUnavailableException e)
            {
                logger.LogWarning("Webhook {Webhook} waits for the store: {Reason}", name, e.Message);
                await PauseAsync(TimeSpan.FromSeconds(5), cancellation);
            }
        }
    }

    /// <summary>The alert as it stood right after the entry: the fold of its entries up to it.</summary>
    private async Task<AlertDelivery> DeliveryAsync(StoredAlertEntry entry, CancellationToken cancellation)
    {
        var history = await store.AlertHistoryAsync(entry.AlertId, entry.LedgerIndex, cancellation);
        var alert = AlertJson.Fold(entry.AlertId, history);
        var stored = AlertJson.ReadEntry(entry.Entry);
        return new AlertDelivery(
            entry.LedgerIndex,
            stored is AlertEntry change ? FormatJson.NameOf(change.Change) : "triaged",
            stored?.Time ?? alert.UpdatedAt,
            await AlertBody.FromAsync(alert, store, cancellation));
    }

    /// <summary>POSTs until the receiver takes it: exponential backoff with equal jitter, capped.</summary>
    private async Task DeliverAsync(WebhookOptions webhook, string name, long index, byte[] body, CancellationToken cancellation)
    {
        var client = clients.CreateClient(ClientName);
        var delivery = index.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.Add(DeliveryHeader, delivery);
                if (webhook.Secret is { Length: > 0 } secret)
                {
                    var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    request.Headers.Add(TimestampHeader, timestamp);
                    request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));
                }
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                timeout.CancelAfter(webhook.Timeout);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    if (attempt > 1)
                    {
                        logger.LogInformation("Webhook {Webhook} took alert entry {Index} on attempt {Attempt}", name, index, attempt);
                    }
                    return;
                }
                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                failure = $"no answer within {webhook.Timeout}";
            }
            var delay = Backoff(webhook, attempt);
            logger.LogWarning("Webhook {Webhook} refused alert entry {Index} ({Failure}); attempt {Attempt}, retrying in {Delay}", name, index, failure, attempt, delay);
            await Task.Delay(delay, cancellation);
        }
    }

    /// <summary>Doubling from the initial backoff up to the cap, each delay drawn from its upper half.</summary>
    internal static TimeSpan Backoff(WebhookOptions webhook, int attempt)
    {
        var ceiling = Math.Min(webhook.MaxBackoff.Ticks, webhook.InitialBackoff.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromTicks((long)((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)));
    }

    private static async Task WaitAsync(Task progress, CancellationToken cancellation)
    {
        try
        {
            await progress.WaitAsync(Idle, cancellation);
        }
        catch (TimeoutException)
        {
            // Look again: another node may have projected alerts.
        }
    }

    private static async Task PauseAsync(TimeSpan pause, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(pause, cancellation);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
