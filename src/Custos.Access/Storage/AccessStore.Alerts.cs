using System.Data.Common;
using System.Globalization;
using System.Text;
using Custos.Access.Alerts;
using Custos.Formats;

namespace Custos.Access.Storage;

/// <summary>
/// The alerts projection: each alert as its ledger entries make it, every entry by its ledger
/// index (the webhook sink's outbox), and who each alert is about. Written by the one node that
/// runs detection, in ledger order; read by every node's alerts API.
/// </summary>
public abstract partial class AccessStore
{
    /// <summary>
    /// Applies alert entries folded by the caller and records how far the projection has read
    /// the ledger, in one transaction: after a crash the projection resumes exactly where it
    /// stopped. Replaying an entry changes nothing (an alert row only moves forward).
    /// </summary>
    public async Task ApplyAlertProjectionAsync(string projection, IReadOnlyList<AlertProjectionChange> changes, long nextIndex, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        foreach (var change in changes)
        {
            var alert = change.Alert;
            await connection.ExecuteAsync(
                "INSERT INTO alert_entries (ledger_index, alert_id, entry) VALUES (@i, @a, @e) ON CONFLICT (ledger_index) DO NOTHING", transaction, cancellation,
                ("@i", change.LedgerIndex), ("@a", alert.Id), ("@e", change.Entry));
            await connection.ExecuteAsync("""
                INSERT INTO alerts (id, seq, queue, state, status, detector, severity, raised_at, updated_at, last_index, document)
                VALUES (@id, @seq, @queue, @state, @status, @detector, @severity, @raised, @updated, @last, @document)
                ON CONFLICT (id) DO UPDATE SET queue = excluded.queue, state = excluded.state, status = excluded.status,
                    detector = excluded.detector, severity = excluded.severity, raised_at = excluded.raised_at,
                    updated_at = excluded.updated_at, last_index = excluded.last_index, document = excluded.document
                WHERE excluded.last_index > alerts.last_index
                """, transaction, cancellation,
                ("@id", alert.Id), ("@seq", alert.Sequence), ("@queue", alert.Queue), ("@state", alert.State), ("@status", alert.Status),
                ("@detector", alert.Detector), ("@severity", (int)alert.Severity), ("@raised", Dialect.Time(alert.RaisedAt)),
                ("@updated", Dialect.Time(alert.UpdatedAt)), ("@last", change.LedgerIndex), ("@document", alert.ToJson()));
            foreach (var (role, parties) in new[] { ("reader", change.Readers), ("subject", change.Subjects) })
            {
                foreach (var party in parties)
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO alert_parties (alert_id, role, party) VALUES (@a, @r, @p) ON CONFLICT (alert_id, role, party) DO NOTHING", transaction, cancellation,
                        ("@a", alert.Id), ("@r", role), ("@p", party));
                }
            }
        }
        await SavePositionAsync(connection, transaction, projection, nextIndex, cancellation);
        await transaction.CommitAsync(cancellation);
    }

    /// <summary>Records that a projection (or a webhook's delivery) has reached <paramref name="nextIndex"/>.</summary>
    public async Task SaveProjectionPositionAsync(string projection, long nextIndex, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await SavePositionAsync(connection, null, projection, nextIndex, cancellation);
    }

    public async Task<AlertRecord?> AlertAsync(string id, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        var document = (string?)await connection.ScalarAsync("SELECT document FROM alerts WHERE id = @id", null, cancellation, ("@id", id));
        return document is null ? null : AlertRecord.FromJson(document);
    }

    /// <summary>Alerts matching <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<AlertRecord>> AlertsAsync(AlertQuery query, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT document FROM alerts a WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        void Where(string condition, params (string Name, object? Value)[] values)
        {
            sql.Append(" AND ").Append(condition);
            parameters.AddRange(values);
        }

        if (query.Queues is { } queues)
        {
            if (queues.Count == 0)
            {
                return [];
            }
            var names = queues.Select((_, i) => $"@q{i.ToString(CultureInfo.InvariantCulture)}").ToList();
            Where($"queue IN ({string.Join(", ", names)})", [.. queues.Select((q, i) => (names[i], (object?)q))]);
        }
        if (query.State is { } state)
        {
            Where("state = @state", ("@state", state));
        }
        else
        {
            Where("state <> @merged", ("@merged", AlertRecord.Merged));
        }
        if (query.Status is { } status)
        {
            Where("status = @status", ("@status", status));
        }
        if (query.Detector is { } detector)
        {
            Where("detector = @detector", ("@detector", detector));
        }
        if (query.MinSeverity is { } severity)
        {
            Where("severity >= @severity", ("@severity", (int)severity));
        }
        if (query.Since is { } since)
        {
            Where("raised_at >= @since", ("@since", Dialect.Time(since)));
        }
        if (query.Until is { } until)
        {
            Where("raised_at < @until", ("@until", Dialect.Time(until)));
        }
        if (query.Reader is { } reader)
        {
            Where("EXISTS (SELECT 1 FROM alert_parties p WHERE p.alert_id = a.id AND p.role = 'reader' AND p.party = @reader)", ("@reader", reader));
        }
        if (query.Subject is { } subject)
        {
            Where("EXISTS (SELECT 1 FROM alert_parties p WHERE p.alert_id = a.id AND p.role = 'subject' AND p.party = @subject)", ("@subject", subject));
        }
        if (query.Before is { } before)
        {
            Where("seq < @before", ("@before", before));
        }
        sql.Append(" ORDER BY seq DESC LIMIT @limit");
        parameters.Add(("@limit", query.Limit));

        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command(sql.ToString(), null, [.. parameters]);
        return await ReadAlertsAsync(command, cancellation);
    }

    /// <summary>Every open alert: what detection reconciles with after a restart.</summary>
    public async Task<IReadOnlyList<AlertRecord>> OpenAlertsAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command("SELECT document FROM alerts WHERE state = @open ORDER BY seq", null, ("@open", AlertRecord.Open));
        return await ReadAlertsAsync(command, cancellation);
    }

    /// <summary>The highest N of the <c>alr-N</c> ids projected, 0 before the first alert.</summary>
    public async Task<long> LastAlertSequenceAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        var last = await connection.ScalarAsync("SELECT max(seq) FROM alerts", null, cancellation);
        return last is null ? 0 : Convert.ToInt64(last, CultureInfo.InvariantCulture);
    }

    /// <summary>Alert entries from ledger index <paramref name="fromIndex"/> on, in ledger order: the webhook sink's outbox.</summary>
    public async Task<IReadOnlyList<StoredAlertEntry>> AlertEntriesFromAsync(long fromIndex, int limit, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command(
            "SELECT ledger_index, alert_id, entry FROM alert_entries WHERE ledger_index >= @from ORDER BY ledger_index LIMIT @limit", null,
            ("@from", fromIndex), ("@limit", limit));
        return await ReadEntriesAsync(command, cancellation);
    }

    /// <summary>The entries of one alert up to ledger index <paramref name="throughIndex"/>, in ledger order.</summary>
    public async Task<IReadOnlyList<StoredAlertEntry>> AlertHistoryAsync(string alertId, long throughIndex, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(create: false, cancellation);
        await using var command = connection.Command(
            "SELECT ledger_index, alert_id, entry FROM alert_entries WHERE alert_id = @a AND ledger_index <= @through ORDER BY ledger_index", null,
            ("@a", alertId), ("@through", throughIndex));
        return await ReadEntriesAsync(command, cancellation);
    }

    private static async Task SavePositionAsync(DbConnection connection, DbTransaction? transaction, string projection, long nextIndex, CancellationToken cancellation) =>
        await connection.ExecuteAsync("""
            INSERT INTO projections (name, next_index) VALUES (@n, @i)
            ON CONFLICT (name) DO UPDATE SET next_index = excluded.next_index WHERE excluded.next_index > projections.next_index
            """, transaction, cancellation, ("@n", projection), ("@i", nextIndex));

    private static async Task<IReadOnlyList<AlertRecord>> ReadAlertsAsync(DbCommand command, CancellationToken cancellation)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var alerts = new List<AlertRecord>();
        while (await reader.ReadAsync(cancellation))
        {
            alerts.Add(AlertRecord.FromJson(reader.GetString(0)));
        }
        return alerts;
    }

    private static async Task<IReadOnlyList<StoredAlertEntry>> ReadEntriesAsync(DbCommand command, CancellationToken cancellation)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var entries = new List<StoredAlertEntry>();
        while (await reader.ReadAsync(cancellation))
        {
            entries.Add(new StoredAlertEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        return entries;
    }
}

/// <summary>
/// One alert entry to project: its ledger index and JSON, the alert as it stands after it, and
/// the readers and subjects the entry adds (the filters' index).
/// </summary>
public sealed record AlertProjectionChange(long LedgerIndex, string Entry, AlertRecord Alert, IReadOnlyList<string> Readers, IReadOnlyList<string> Subjects);

/// <summary>An alert entry as the projection keeps it.</summary>
public sealed record StoredAlertEntry(long LedgerIndex, string AlertId, string Entry);

/// <summary>What <see cref="AccessStore.AlertsAsync"/> filters on; null means any.</summary>
public sealed record AlertQuery
{
    /// <summary>Only alerts routed to one of these queues; null for every queue.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary><c>open</c>, <c>closed</c> or <c>merged</c>; null for open and closed (merged alerts live on in the one they joined).</summary>
    public string? State { get; init; }

    /// <summary><c>new</c> or a triage outcome.</summary>
    public string? Status { get; init; }

    public string? Detector { get; init; }

    public Severity? MinSeverity { get; init; }

    /// <summary>Raised at or after.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Raised before.</summary>
    public DateTimeOffset? Until { get; init; }

    public string? Reader { get; init; }

    public string? Subject { get; init; }

    /// <summary>Only alerts raised before <c>alr-Before</c> (the paging cursor).</summary>
    public long? Before { get; init; }

    public int Limit { get; init; } = 50;
}
