using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Ledger.Tree;
using Custos.Ledger.Witnessing;

namespace Custos.Cli;

/// <summary>
/// <c>custos ledger verify --server</c>: an auditor's check of a running server that trusts
/// nothing but the verifier key. It verifies the signed checkpoint, proves it consistent with
/// the checkpoint seen last time (kept, signed, in a local state file, so a server that rewrites
/// or rolls back history is caught on the next run), and rebuilds the whole tree from the public
/// leaf hashes to check the checkpoint's root. Entry bodies are confidential (invariant 10):
/// with a token it also hashes every body the token may read and compares it with its leaf
/// hash; without one it says that no body was checked.
/// </summary>
internal static class RemoteVerifier
{
    /// <summary>Leaf hashes asked for per request: the server's limit.</summary>
    private const int PageSize = Server.LedgerEndpoints.MaxLeafHashes;

    /// <summary>The witnesses whose cosignatures the checkpoint must carry, <see cref="Quorum"/> of them at least; none: no such check.</summary>
    public sealed record Witnesses(IReadOnlyList<NoteVerifier> Keys, int Quorum)
    {
        public static readonly Witnesses None = new([], 0);
    }

    public static async Task<string> VerifyAsync(Uri server, NoteVerifier verifier, string? token, string? stateFile, Witnesses witnesses, CancellationToken cancellation)
    {
        var statePath = stateFile ?? DefaultStatePath(verifier);
        using var http = new HttpClient { BaseAddress = new Uri(server.AbsoluteUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };

        var note = await GetStringAsync(http, "v1/ledger/checkpoint", cancellation);
        var current = Open(note, verifier, "the server's checkpoint");
        var cosigned = CheckCosignatures(note, current, witnesses);

        var consistency = "first checkpoint seen; saved for the next run";
        if (File.Exists(statePath))
        {
            var previous = Open(await File.ReadAllTextAsync(statePath, cancellation), verifier, $"the checkpoint saved in {statePath}");
            consistency = await CheckConsistencyAsync(http, previous, current, cancellation);
        }

        var (checkedBodies, unreadable) = await CheckTreeAsync(http, current, token, cancellation);

        await SaveStateAsync(statePath, note, cancellation);
        var bodies = token is null
            ? $"entry bodies were not checked (they need a token: --token or ${AccessCommand.TokenVariable})"
            : unreadable == 0
                ? $"all {checkedBodies} entry bodies match their leaf hashes"
                : $"{checkedBodies} entry bodies match their leaf hashes; {unreadable} were not checked (this token may not read them)";
        return $"ok: checkpoint of {current.Size} entries signed by {verifier.Name}{cosigned}; {consistency}; the tree rebuilt from its {current.Size} leaf hashes has the checkpoint's root; {bodies}.";
    }

    /// <summary>
    /// C2SP tlog-cosignature: each named witness's <c>cosignature/v1</c> over the checkpoint's text
    /// and its timestamp. A cosignature that does not verify counts as none, and says so if the
    /// quorum then fails; a cosignature dated in the future is not one either.
    /// </summary>
    private static string CheckCosignatures(string note, Checkpoint checkpoint, Witnesses witnesses)
    {
        if (witnesses.Keys.Count == 0)
        {
            return "";
        }
        var valid = new List<string>();
        var missing = new List<string>();
        var now = DateTimeOffset.UtcNow;
        foreach (var witness in witnesses.Keys)
        {
            try
            {
                switch (Cosignatures.Verify(note, witness))
                {
                    case null:
                        missing.Add($"{witness.Name} did not cosign it");
                        break;
                    case var time when time > now.AddMinutes(10):
                        missing.Add($"{witness.Name} dated its cosignature in the future ({time:yyyy-MM-ddTHH:mm:ssZ})");
                        break;
                    case var time:
                        valid.Add($"{witness.Name} at {time:yyyy-MM-ddTHH:mm:ssZ}");
                        break;
                }
            }
            catch (NoteVerificationException e)
            {
                missing.Add(e.Message.TrimEnd('.'));
            }
        }
        if (valid.Count < witnesses.Quorum)
        {
            throw new CommandFailedException($"verification failed: the checkpoint of {checkpoint.Size} entries carries valid cosignatures of {valid.Count} of the {witnesses.Keys.Count} witnesses named, fewer than the quorum of {witnesses.Quorum}: {string.Join("; ", missing)}.");
        }
        return $", cosigned by {valid.Count} of {witnesses.Keys.Count} witnesses (quorum {witnesses.Quorum}: {string.Join(", ", valid)})";
    }

    /// <summary>
    /// Rebuilds the tree from the leaf hashes, page by page, and checks each readable body
    /// against its leaf hash on the way: memory stays one page whatever the log's size.
    /// </summary>
    private static async Task<(long Checked, long Unreadable)> CheckTreeAsync(HttpClient http, Checkpoint checkpoint, string? token, CancellationToken cancellation)
    {
        var tree = new CompactRange();
        long checkedBodies = 0, unreadable = 0;
        while (tree.Size < checkpoint.Size)
        {
            var start = tree.Size;
            var end = Math.Min(checkpoint.Size, start + PageSize);
            var page = await GetJsonAsync(http, $"v1/ledger/leaves?start={Text(start)}&end={Text(end)}", cancellation);
            var leaves = Base64List(page, "leaf_hashes", "leaf hashes");
            if (leaves.Count != end - start || leaves.Any(h => h.Length != Rfc9162.HashSize))
            {
                throw new CommandFailedException($"verification failed: the server sent {leaves.Count} leaf hashes for entries {start} to {end - 1}.");
            }
            for (var i = 0; i < leaves.Count; i++)
            {
                if (token is not null)
                {
                    if (await CheckBodyAsync(http, start + i, leaves[i], token, cancellation))
                    {
                        checkedBodies++;
                    }
                    else
                    {
                        unreadable++;
                    }
                }
                tree.Append(leaves[i]);
            }
        }
        var root = checkpoint.Size == 0 ? Rfc9162.EmptyRoot : tree.Root();
        if (!root.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            throw new CommandFailedException($"verification failed: the tree rebuilt from the server's {checkpoint.Size} leaf hashes does not have the signed checkpoint's root.");
        }
        return (checkedBodies, unreadable);
    }

    /// <summary>Whether the body could be read (false when the token may not read it); throws if it does not match its leaf hash.</summary>
    private static async Task<bool> CheckBodyAsync(HttpClient http, long index, byte[] leafHash, string token, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v1/ledger/entries/{Text(index)}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellation);
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            return false;
        }
        await EnsureSuccessAsync(response, $"entry {Text(index)}", cancellation);
        var entry = await response.Content.ReadAsByteArrayAsync(cancellation);
        if (!Rfc9162.HashLeaf(entry).AsSpan().SequenceEqual(leafHash))
        {
            throw new CommandFailedException($"verification failed: entry {Text(index)} does not match its leaf hash: the server sent other bytes than it hashed into the tree.");
        }
        return true;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<string> CheckConsistencyAsync(HttpClient http, Checkpoint previous, Checkpoint current, CancellationToken cancellation)
    {
        if (current.Size < previous.Size)
        {
            throw new CommandFailedException($"verification failed: the server's checkpoint has {current.Size} entries, fewer than the {previous.Size} it signed before: the log was rolled back.");
        }
        if (previous.Size == 0)
        {
            return "consistent with the empty tree seen before";
        }
        var path = $"v1/ledger/proofs/consistency?from={Text(previous.Size)}&to={Text(current.Size)}";
        var proof = current.Size == previous.Size ? [] : Base64List(await GetJsonAsync(http, path, cancellation), "proof", "proof");
        try
        {
            ProofVerifier.VerifyConsistency((ulong)previous.Size, (ulong)current.Size, previous.RootHash, current.RootHash, proof);
        }
        catch (ProofVerificationException e)
        {
            throw new CommandFailedException($"verification failed: the checkpoint of {current.Size} entries is not consistent with the one of {previous.Size} seen before: {e.Message}");
        }
        return $"consistent with the checkpoint of {previous.Size} entries seen before";
    }

    private static Checkpoint Open(string note, NoteVerifier verifier, string what)
    {
        try
        {
            return Checkpoint.Open(note, verifier);
        }
        catch (Exception e) when (e is NoteVerificationException or CheckpointFormatException)
        {
            throw new CommandFailedException($"verification failed: {what} does not verify with the key: {e.Message}");
        }
    }

    private static List<byte[]> Base64List(JsonElement answer, string property, string what)
    {
        try
        {
            return [.. answer.GetProperty(property).EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))];
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentNullException)
        {
            throw new CommandFailedException($"verification failed: the server sent malformed {what}: {e.Message}");
        }
    }

    private static async Task<string> GetStringAsync(HttpClient http, string path, CancellationToken cancellation)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellation);
        await EnsureSuccessAsync(response, path, cancellation);
        return await response.Content.ReadAsStringAsync(cancellation);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path, CancellationToken cancellation)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellation);
        await EnsureSuccessAsync(response, path, cancellation);
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
        }
        catch (JsonException e)
        {
            throw new CommandFailedException($"verification failed: the server's answer to {path} is not JSON: {e.Message}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellation)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellation);
            var detail = body.Length > 0 && body.TrimStart().StartsWith('{') ? TryDetail(body) : null;
            throw new CommandFailedException($"the server answered {(int)response.StatusCode} to {what}{(detail is null ? "" : $": {detail}")}");
        }
    }

    private static string? TryDetail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task SaveStateAsync(string path, string note, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Write beside and rename: an interrupted run never leaves a torn state file.
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, note, cancellation);
        File.Move(temporary, path, overwrite: true);
    }

    private static string DefaultStatePath(NoteVerifier verifier)
    {
        var name = new StringBuilder();
        foreach (var c in verifier.Name)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        }
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(verifier.Text)))[..8];
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "custos", "verify", $"{name}-{id}.checkpoint");
    }
}
