using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Custos.Ledger.Json;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Verification;
using Custos.Server;

namespace Custos.Cli;

/// <summary>
/// <c>custos ledger …</c>: a thin shell over <c>Custos.Ledger</c>, for operators and auditors.
/// <c>--store</c> is a SQLite file or a <c>postgres://</c> URL; the signing key lives beside a
/// SQLite store (<c>STORE.key</c>) unless <c>--key-file</c> says otherwise.
/// </summary>
internal static class LedgerCommand
{
    // Proofs print exactly as GET /v1/ledger/proofs/… answers (snake_case), with base64's '+'
    // as itself rather than \u002B: the output is for people and scripts, not for HTML.
    private static readonly JsonSerializerOptions ProofJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create() => new("ledger", "Create, append to, prove from and verify an RFC 9162 Merkle ledger with signed checkpoints.")
    {
        Init(),
        Append(),
        Checkpoint(),
        new Command("prove", "Print an inclusion or consistency proof as JSON.") { ProveInclusion(), ProveConsistency() },
        Entry(),
        Verify(),
        LedgerTilesCommand.Create(StoreOption()),
    };

    internal static Option<string> StoreOption(bool required = true) => new("--store")
    {
        Description = "The ledger: a SQLite file path or a postgres://user:password@host:port/database URL.",
        Required = required,
    };

    private static Option<string> KeyFileOption() => new("--key-file")
    {
        Description = "The signing key file (default: STORE.key beside a SQLite store; DATABASE.ledger.key for PostgreSQL).",
    };

    /// <summary>A required signed-note key name: what readers see in every signature line.</summary>
    internal static Option<string> KeyNameOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, Required = true };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && !NoteKeys.IsValidName(token.Value))
            {
                result.AddError($"{name} must be a non-empty name without spaces or '+'.");
            }
        });
        return option;
    }

    private static Option<long> NonNegative(string name, string description, bool required)
    {
        var option = new Option<long>(name) { Description = description, Required = required };
        option.Validators.Add(result =>
        {
            // Read the token: a value that is not a number at all is already the parser's error.
            if (result.Tokens is [var token] && long.TryParse(token.Value, CultureInfo.InvariantCulture, out var value) && value < 0)
            {
                result.AddError($"{name} must be 0 or more.");
            }
        });
        return option;
    }

    private static Command Init()
    {
        var store = StoreOption();
        var keyFile = KeyFileOption();
        var origin = KeyNameOption("--origin", "The log's name in its checkpoints and key, unique to it, such as custos.example.com/ledger.");

        var command = new Command("init", "Create a ledger and its Ed25519 signing key (mode 0600); print the verifier key.") { store, keyFile, origin };
        command.SetAction(async (parse, cancellation) =>
        {
            var storeName = parse.GetValue(store)!;
            var key = parse.GetValue(keyFile) ?? SignerKeyFile.DefaultFor(storeName);
            var (log, signer) = await LedgerSetup.CreateAsync(storeName, parse.GetValue(origin)!, key, cancellation: cancellation);
            await using (log)
            using (signer)
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(signer.VerifierKey);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Append()
    {
        var store = StoreOption();
        var keyFile = KeyFileOption();
        var command = new Command("append",
            "Append JSON entries read from stdin, one per line (canonicalised, RFC 8785); print each index once it is durable. "
            + "A line that is not JSON appends nothing. Signs a checkpoint afterwards when the signing key is at hand.")
        { store, keyFile };
        command.SetAction(async (parse, cancellation) =>
        {
            // Read and canonicalise everything first: one bad line must append nothing.
            var entries = new List<byte[]>();
            var lineNumber = 0;
            while (await Console.In.ReadLineAsync(cancellation) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                try
                {
                    entries.Add(CanonicalJson.Canonicalize(line));
                }
                catch (CanonicalJsonException e)
                {
                    throw new CommandFailedException($"line {lineNumber}: {e.Message}; nothing was appended.");
                }
            }

            var storeName = parse.GetValue(store)!;
            await using var log = await LedgerSetup.OpenAsync(storeName, cancellation: cancellation);
            // The key is checked before anything is appended, so a wrong key appends nothing.
            var keyPath = parse.GetValue(keyFile) ?? SignerKeyFile.DefaultFor(storeName);
            using var signer = File.Exists(keyPath) ? SignerKeyFile.Read(keyPath) : null;
            if (signer is not null && signer.VerifierKey != log.Metadata.VerifierKey)
            {
                throw new CommandFailedException($"the key {keyPath} is not the one this ledger was created with ({log.Metadata.VerifierKey}); nothing was appended.");
            }

            var output = parse.InvocationConfiguration.Output;
            var appends = entries.Select(e => log.AppendAsync(e, cancellation)).ToList();
            for (var i = 0; i < appends.Count; i++)
            {
                var index = await appends[i];
                await output.WriteLineAsync(index.ToString(CultureInfo.InvariantCulture));
                // An index on stdout is a promise that the entry is durable: show each batch as it lands.
                if (i + 1 == appends.Count || !appends[i + 1].IsCompleted)
                {
                    await output.FlushAsync(cancellation);
                }
            }
            if (appends.Count > 0 && signer is not null)
            {
                await log.SignCheckpointAsync(signer, cancellation);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Checkpoint()
    {
        var store = StoreOption();
        var keyFile = KeyFileOption();
        var command = new Command("checkpoint", "Sign and print the checkpoint note (C2SP tlog-checkpoint) of the current tree.") { store, keyFile };
        command.SetAction(async (parse, cancellation) =>
        {
            var storeName = parse.GetValue(store)!;
            await using var log = await LedgerSetup.OpenAsync(storeName, cancellation: cancellation);
            using var signer = SignerKeyFile.Read(parse.GetValue(keyFile) ?? SignerKeyFile.DefaultFor(storeName));
            var signed = await log.SignCheckpointAsync(signer, cancellation);
            await parse.InvocationConfiguration.Output.WriteAsync(signed.Note);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ProveInclusion()
    {
        var store = StoreOption();
        var index = NonNegative("--index", "The entry's index.", required: true);
        var size = NonNegative("--size", "The tree size to prove against (default: the current size).", required: false);
        var command = new Command("inclusion", "Print {\"leaf_index\", \"tree_size\", \"proof\": [base64 …]} proving an entry is in the tree.") { store, index, size };
        command.SetAction(async (parse, cancellation) =>
        {
            await using var log = await LedgerSetup.OpenAsync(parse.GetValue(store)!, cancellation: cancellation);
            var treeSize = parse.GetResult(size) is null ? log.Size : parse.GetValue(size);
            var proof = await log.ProveInclusionAsync(parse.GetValue(index), treeSize, cancellation);
            var json = JsonSerializer.Serialize(new LedgerEndpoints.InclusionProofResponse(proof.LeafIndex, proof.TreeSize, [.. proof.Hashes.Select(Convert.ToBase64String)]), ProofJson);
            await parse.InvocationConfiguration.Output.WriteLineAsync(json);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ProveConsistency()
    {
        var store = StoreOption();
        var from = NonNegative("--from", "The size of the earlier tree (at least 1).", required: true);
        var to = NonNegative("--to", "The size of the later tree (default: the current size).", required: false);
        var command = new Command("consistency", "Print {\"size1\", \"size2\", \"proof\": [base64 …]} proving the earlier tree is a prefix of the later.") { store, from, to };
        command.SetAction(async (parse, cancellation) =>
        {
            await using var log = await LedgerSetup.OpenAsync(parse.GetValue(store)!, cancellation: cancellation);
            var size2 = parse.GetResult(to) is null ? log.Size : parse.GetValue(to);
            var proof = await log.ProveConsistencyAsync(parse.GetValue(from), size2, cancellation);
            var json = JsonSerializer.Serialize(new LedgerEndpoints.ConsistencyProofResponse(proof.Size1, proof.Size2, [.. proof.Hashes.Select(Convert.ToBase64String)]), ProofJson);
            await parse.InvocationConfiguration.Output.WriteLineAsync(json);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Entry()
    {
        var store = StoreOption();
        var index = NonNegative("--index", "The entry's index.", required: true);
        var command = new Command("entry", "Print an entry's exact bytes (canonical JSON, no trailing newline), as hashed into the tree.") { store, index };
        command.SetAction(async (parse, cancellation) =>
        {
            await using var log = await LedgerSetup.OpenAsync(parse.GetValue(store)!, cancellation: cancellation);
            var bytes = await log.ReadEntryAsync(parse.GetValue(index), cancellation);
            // Canonical JSON is valid UTF-8, so the text written is the very bytes stored.
            await parse.InvocationConfiguration.Output.WriteAsync(Encoding.UTF8.GetString(bytes));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Verify()
    {
        var store = StoreOption(required: false);
        var server = ServerOption.Create("Verify a running server from outside instead: its checkpoint, consistency with the last one seen, the tree rebuilt from its leaf hashes, and with a token the entry bodies.");
        var key = new Option<string>("--key")
        {
            Description = "The verifier key, name+hexid+base64key (or a file holding it).",
            Required = true,
        };
        key.Validators.Add(result =>
        {
            try
            {
                ReadVerifierKey(result.Tokens is [var token] ? token.Value : "");
            }
            catch (NoteKeyException e)
            {
                result.AddError(e.Message);
            }
        });
        var state = new Option<string>("--state")
        {
            Description = "With --server: the file keeping the checkpoint seen last time (default: one per log under the user's data directory).",
        };
        var token = new Option<string>("--token")
        {
            Description = $"With --server: a bearer token (default: ${AccessCommand.TokenVariable}) to also check every entry body it may read against its leaf hash; an auditor's (service:auditor) reads them all.",
        };

        var witness = new Option<string[]>("--witness")
        {
            Description = "With --server: a witness's verifier key (or a file holding it) whose cosignature (C2SP cosignature/v1) the checkpoint must carry. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        witness.Validators.Add(result =>
        {
            foreach (var value in result.Tokens.Select(t => t.Value))
            {
                try
                {
                    if (ReadVerifierKey(value).Type != NoteKeys.CosignatureType)
                    {
                        result.AddError($"--witness '{value}' is a log's key, not a witness's cosigner key.");
                    }
                }
                catch (NoteKeyException e)
                {
                    result.AddError($"--witness '{value}': {e.Message}");
                }
            }
        });
        var quorum = new Option<int?>("--quorum")
        {
            Description = "How many of the --witness keys must have cosigned the checkpoint (default: all of them).",
        };

        var command = new Command("verify",
            "Verify a ledger: with --store, re-hash every entry, rebuild the tree and check the stored nodes and the latest checkpoint; "
            + "with --server, check a running server from outside, and with --witness that a quorum of witnesses cosigned its checkpoint. "
            + "Exit 0 if all holds, 1 with the first problem otherwise.")
        { store, server, key, state, token, witness, quorum };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(store) is null) == (result.GetResult(server) is null))
            {
                result.AddError("give exactly one of --store and --server.");
            }
            var witnesses = result.GetValue(witness) ?? [];
            if (witnesses.Length > 0 && result.GetResult(server) is null)
            {
                result.AddError("--witness checks the cosignatures of a served checkpoint: give it with --server (a store keeps the log's own signature only).");
            }
            if (result.GetValue(quorum) is { } q && (witnesses.Length == 0 || q < 1 || q > witnesses.Length))
            {
                result.AddError($"--quorum must be from 1 to the {witnesses.Length} --witness keys given.");
            }
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var verifier = ReadVerifierKey(parse.GetValue(key)!);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(server) is { } url)
            {
                var bearer = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(AccessCommand.TokenVariable);
                var witnesses = (parse.GetValue(witness) ?? []).Select(ReadVerifierKey).DistinctBy(w => w.Text).ToList();
                var required = new RemoteVerifier.Witnesses(witnesses, parse.GetValue(quorum) ?? witnesses.Count);
                var report = await RemoteVerifier.VerifyAsync(url, verifier, string.IsNullOrWhiteSpace(bearer) ? null : bearer.Trim(), parse.GetValue(state), required, cancellation);
                await output.WriteLineAsync(report);
                return ExitCodes.Success;
            }

            var ledgerStore = LedgerStores.Open(parse.GetValue(store)!);
            await using (ledgerStore)
            {
                var result = await LedgerVerifier.VerifyAsync(ledgerStore, verifier, cancellation);
                if (!result.Ok)
                {
                    throw new CommandFailedException($"verification failed: {result.Problem}.");
                }
                await output.WriteLineAsync($"ok: {result.Size} entries re-hashed and the tree rebuilt; the signed checkpoint of {result.CheckpointSize} entries holds.");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static NoteVerifier ReadVerifierKey(string value)
    {
        var text = !value.Contains('+', StringComparison.Ordinal) && File.Exists(value) ? File.ReadAllText(value) : value;
        return NoteVerifier.Parse(text);
    }

}

/// <summary>A command could not do what it was asked; the message is the one line the user sees.</summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException(string message) : base(message)
    {
    }

    public CommandFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CommandFailedException()
    {
    }
}
