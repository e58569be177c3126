using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;

namespace Custos.Cli;

/// <summary>
/// <c>custos ledger verify --server</c>: an auditor's check of a running server that trusts
/// nothing but the verifier key. It verifies the signed checkpoint, proves it consistent with
/// the checkpoint seen last time (kept, signed, in a local state file, so a server that rewrites
/// or rolls back history is caught on the next run), and checks that randomly chosen entries
/// are included under the new root.
/// </summary>
internal static class RemoteVerifier
{
    public static async Task<string> VerifyAsync(Uri server, NoteVerifier verifier, string? stateFile, int samples, CancellationToken cancellation)
    {
        var statePath = stateFile ?? DefaultStatePath(verifier);
        using var http = new HttpClient { BaseAddress = new Uri(server.AbsoluteUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };

        var note = await GetStringAsync(http, "v1/ledger/checkpoint", cancellation);
        var current = Open(note, verifier, "the server's checkpoint");

        var consistency = "first checkpoint seen; saved for the next run";
        if (File.Exists(statePath))
        {
            var previous = Open(await File.ReadAllTextAsync(statePath, cancellation), verifier, $"the checkpoint saved in {statePath}");
            consistency = await CheckConsistencyAsync(http, previous, current, cancellation);
        }

        var checkedEntries = 0;
        if (current.Size > 0)
        {
            // The newest entry always, then random ones: together, a fresh sample each run.
            var indexes = new[] { current.Size - 1 }
                .Concat(Enumerable.Range(0, samples).Select(_ => Random.Shared.NextInt64(current.Size)))
                .Distinct().Take(Math.Max(samples, 1));
            foreach (var index in indexes)
            {
                await CheckInclusionAsync(http, current, index, cancellation);
                checkedEntries++;
            }
        }

        await SaveStateAsync(statePath, note, cancellation);
        return $"ok: checkpoint of {current.Size} entries signed by {verifier.Name}; {consistency}; {checkedEntries} entries proven included.";
    }

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
        var path = $"v1/ledger/proofs/consistency?from={previous.Size.ToString(CultureInfo.InvariantCulture)}&to={current.Size.ToString(CultureInfo.InvariantCulture)}";
        var proof = current.Size == previous.Size ? [] : Hashes(await GetJsonAsync(http, path, cancellation));
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

    private static async Task CheckInclusionAsync(HttpClient http, Checkpoint checkpoint, long index, CancellationToken cancellation)
    {
        var i = index.ToString(CultureInfo.InvariantCulture);
        using var response = await http.GetAsync(new Uri($"v1/ledger/entries/{i}", UriKind.Relative), cancellation);
        await EnsureSuccessAsync(response, $"entry {i}", cancellation);
        var entry = await response.Content.ReadAsByteArrayAsync(cancellation);
        var proof = Hashes(await GetJsonAsync(http, $"v1/ledger/proofs/inclusion?index={i}&size={checkpoint.Size.ToString(CultureInfo.InvariantCulture)}", cancellation));
        try
        {
            ProofVerifier.VerifyInclusion((ulong)index, (ulong)checkpoint.Size, Rfc9162.HashLeaf(entry), proof, checkpoint.RootHash);
        }
        catch (ProofVerificationException e)
        {
            throw new CommandFailedException($"verification failed: entry {i} is not proven included in the signed tree: {e.Message}");
        }
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

    private static List<byte[]> Hashes(JsonElement proof)
    {
        try
        {
            return [.. proof.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))];
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CommandFailedException($"verification failed: the server sent a malformed proof: {e.Message}");
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
