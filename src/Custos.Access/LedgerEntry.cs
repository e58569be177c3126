using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Access.Alerts;
using Custos.Access.Decisions;
using Custos.Access.Projections;
using Custos.Access.Workflow;
using Custos.Formats;

namespace Custos.Access;

/// <summary>
/// The <c>type</c> of every ledger entry Custos writes, spelled once. The bytes already in
/// ledgers carry these names, so they never change.
/// </summary>
public static class LedgerEntryTypes
{
    public const string Decision = "decision";
    public const string Activation = "activation";
    public const string Alert = "alert";
    public const string Triage = "alert-triage";
    public const string AccessRequest = "access-request";
    public const string Approval = "approval";
    public const string ApprovalRefused = "approval-refused";
    public const string RequestDenied = "request-denied";
    public const string Grant = "grant";
    public const string GrantRevoked = "grant-revoked";
    public const string GrantExpired = "grant-expired";
    public const string BreakGlassReview = "break-glass-review";
    public const string Revocation = "revocation";
    public const string RevocationLifted = "revocation-lifted";
}

/// <summary>
/// One ledger entry: identifiers only, never personal data (erasing a user's data must never
/// break the log). Every kind is a record derived from this one, and every writer and reader
/// goes through <see cref="Serialize"/> and <see cref="Parse"/>, so the <c>type</c> of an
/// entry and the fields of its kind are declared in one place.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(DecisionEntry), LedgerEntryTypes.Decision)]
[JsonDerivedType(typeof(ActivationEntry), LedgerEntryTypes.Activation)]
[JsonDerivedType(typeof(AlertEntry), LedgerEntryTypes.Alert)]
[JsonDerivedType(typeof(TriageEntry), LedgerEntryTypes.Triage)]
[JsonDerivedType(typeof(WorkflowEntries.RequestEntry), LedgerEntryTypes.AccessRequest)]
[JsonDerivedType(typeof(WorkflowEntries.ApprovalEntry), LedgerEntryTypes.Approval)]
[JsonDerivedType(typeof(WorkflowEntries.ApprovalRefusedEntry), LedgerEntryTypes.ApprovalRefused)]
[JsonDerivedType(typeof(WorkflowEntries.RequestDeniedEntry), LedgerEntryTypes.RequestDenied)]
[JsonDerivedType(typeof(WorkflowEntries.GrantEntry), LedgerEntryTypes.Grant)]
[JsonDerivedType(typeof(WorkflowEntries.GrantRevokedEntry), LedgerEntryTypes.GrantRevoked)]
[JsonDerivedType(typeof(WorkflowEntries.GrantExpiredEntry), LedgerEntryTypes.GrantExpired)]
[JsonDerivedType(typeof(WorkflowEntries.BreakGlassReviewEntry), LedgerEntryTypes.BreakGlassReview)]
[JsonDerivedType(typeof(WorkflowEntries.RevocationEntry), LedgerEntryTypes.Revocation)]
[JsonDerivedType(typeof(WorkflowEntries.RevocationLiftedEntry), LedgerEntryTypes.RevocationLifted)]
public abstract record LedgerEntry
{
    private static readonly FrozenDictionary<Type, string> TypeNames = LedgerEntryJson.Default.LedgerEntry.PolymorphismOptions!.DerivedTypes
        .ToFrozenDictionary(d => d.DerivedType, d => (string)d.TypeDiscriminator!);

    private static readonly FrozenSet<string> Known = TypeNames.Values.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>When the entry was written (the writer's clock).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <inheritdoc cref="EntrySalt"/>
    public string? Nonce { get; init; } = EntrySalt.New();

    /// <summary>The entry's <c>type</c>, as ledgered.</summary>
    [JsonIgnore]
    public string Type => TypeNames[GetType()];

    /// <summary>The entry as UTF-8 JSON, <c>type</c> first; the ledger canonicalises it on append.</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, LedgerEntryJson.Default.LedgerEntry);

    /// <summary>Reads an entry of a kind Custos writes; anything else is a <see cref="JsonException"/> that says what is wrong.</summary>
    public static LedgerEntry Parse(ReadOnlySpan<byte> entry) =>
        ParseKnown(entry) ?? throw new JsonException(TypeOf(entry) is { } type
            ? $"a ledger entry of unknown type '{type}' (known: {string.Join(", ", Known.Order(StringComparer.Ordinal))})"
            : "a ledger entry is a JSON object with a string 'type'");

    /// <summary>
    /// Reads an entry, or null for one that is not of a kind Custos writes (not an object, no
    /// <c>type</c>, another <c>type</c>): the ledger may hold foreign entries, and readers pass
    /// over them. An entry of a known kind that does not parse is a <see cref="JsonException"/>.
    /// </summary>
    public static LedgerEntry? ParseKnown(ReadOnlySpan<byte> entry)
    {
        var type = TypeOf(entry);
        if (type is null || !Known.Contains(type))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(entry, LedgerEntryJson.Default.LedgerEntry)
                ?? throw new JsonException($"a {type} entry is null");
        }
        catch (JsonException e)
        {
            throw new JsonException($"a {type} entry: {e.Message}", e);
        }
    }

    /// <summary>The top-level <c>type</c> of an entry, read without building it; null when it has none or is not JSON.</summary>
    public static string? TypeOf(ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(entry);
        return MoveToTopLevel(ref reader, "type"u8) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>The top-level <c>time</c> of an entry, read without building it; null when it has none or is not JSON.</summary>
    public static DateTimeOffset? TimeOf(ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(entry);
        return MoveToTopLevel(ref reader, "time"u8) && reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time) ? time : null;
    }

    /// <summary>Moves <paramref name="reader"/> to the value of the top-level field <paramref name="name"/>; false when the entry has none or is not JSON.</summary>
    private static bool MoveToTopLevel(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var found = reader.ValueTextEquals(name);
                reader.Read();
                if (found)
                {
                    return true;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not an object Custos wrote: no such field.
        }
        return false;
    }
}

/// <summary>
/// The JSON of ledger entries, generated at build time. Its settings are those of
/// <see cref="FormatJson.Options"/> (what entries were always written with), and metadata such as
/// <c>type</c> may come anywhere in an object: the ledger stores entries canonicalised, keys sorted.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    AllowOutOfOrderMetadataProperties = true,
    Converters = [typeof(FormatJson.Rfc3339UtcConverter), typeof(FormatJson.KebabCaseEnumConverterFactory)])]
[JsonSerializable(typeof(LedgerEntry))]
public sealed partial class LedgerEntryJson : JsonSerializerContext;
