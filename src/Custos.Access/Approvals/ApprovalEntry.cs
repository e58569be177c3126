using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Formats;

namespace Custos.Access.Approvals;

/// <summary>
/// The ledger entry of one approver's answer to an access request (<c>"type": "approval"</c>),
/// as the grant workflow ledgers it and detection reads it (docs/detection.md, "Approvals"):
/// identifiers only. Detection feeds every <see cref="Approved"/> one to the approval-collusion
/// detector, with the entry's ledger index as its evidence.
/// </summary>
public sealed record ApprovalEntry
{
    public const string Type = "approval";

    public const string Approved = "approved";
    public const string Refused = "refused";

    [JsonPropertyName("type")]
    public string EntryType { get; init; } = Type;

    /// <summary>The approval's own id.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The access request answered.</summary>
    public required string Request { get; init; }

    /// <summary>Who asked for access (<c>staff:…</c>).</summary>
    public required string Requester { get; init; }

    /// <summary>Who answered (<c>staff:…</c>).</summary>
    public required string Approver { get; init; }

    /// <summary><see cref="Approved"/> or <see cref="Refused"/>.</summary>
    public required string Decision { get; init; }

    /// <summary>The subjects the request names.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, FormatJson.Options);
}
