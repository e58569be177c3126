using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Backup;

/// <summary>
/// <c>manifest.json</c> of a backup: what it holds, each file's size and SHA-256, and the ledger
/// at the moment of the snapshot (its origin, size and root hash, and its first entry, which
/// names the ledger: see <c>LedgerProjector.EnsureStoreAgreesAsync</c>).
/// </summary>
public sealed record BackupManifest
{
    public const string FileName = "manifest.json";

    public const string CurrentFormat = "custos-backup/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public required string Format { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required LedgerAtSnapshot Ledger { get; init; }

    public required IReadOnlyList<BackupFile> Files { get; init; }

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads the manifest of the backup in <paramref name="directory"/>; throws <see cref="BackupException"/> when there is none or it is not one.</summary>
    public static BackupManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new BackupException($"{directory} is not a Custos backup: it has no {FileName}.");
        }
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new BackupException($"{path} is not a backup manifest: {e.Message}", e);
        }
        if (manifest?.Format != CurrentFormat)
        {
            throw new BackupException($"{path} is of format '{manifest?.Format}', not {CurrentFormat}: it was written by another version of Custos.");
        }
        return manifest;
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>The ledger as the backup holds it.</summary>
/// <param name="Origin">The log's origin line.</param>
/// <param name="Size">How many entries.</param>
/// <param name="RootHash">The RFC 9162 root hash of those entries, in hex.</param>
/// <param name="FirstEntrySha256">The SHA-256 of entry 0, which tells this ledger from every other.</param>
public sealed record LedgerAtSnapshot(string Origin, long Size, string RootHash, string? FirstEntrySha256);

/// <summary>One file of a backup.</summary>
/// <param name="Name">Its name in the backup directory.</param>
/// <param name="Role">What it is: <c>store</c>, <c>ledger</c>, <c>ledger-key</c>, <c>token-key</c>.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Sha256">Its SHA-256, in hex.</param>
public sealed record BackupFile(string Name, string Role, long Size, string Sha256);

/// <summary>A backup or restore refused or failed; the message is the one line an operator reads, and says what to do.</summary>
public sealed class BackupException : Exception
{
    public BackupException(string message) : base(message)
    {
    }

    public BackupException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public BackupException()
    {
    }
}
