using System.CommandLine;
using Custos.Ledger.Notes;
using Custos.Ledger.Witnessing;
using Custos.Server;

namespace Custos.Cli;

/// <summary>
/// <c>custos witness …</c>: run a C2SP tlog-witness for other people's logs, so that a regulator
/// or a works council can cosign Custos's checkpoints without trusting Custos.
/// </summary>
internal static class WitnessCommand
{
    public static Command Create() => new("witness", "Run a C2SP tlog-witness: cosign a log's checkpoints only while each extends the last one cosigned.")
    {
        Keygen(),
        Serve(),
    };

    private static Option<string> KeyOption(string description) => new("--key") { Description = description, Required = true };

    private static Command Keygen()
    {
        var key = KeyOption("Where to write the witness's key (mode 0600); an existing file is never overwritten.");
        var name = LedgerCommand.KeyNameOption("--name", "The witness's name in its cosignatures, unique to it, such as witness.example.org/works-council.");
        var command = new Command("keygen", "Make a witness's Ed25519 cosigner key (C2SP tlog-cosignature); print its verifier key, which logs and auditors are given.") { key, name };
        command.SetAction(async (parse, _) =>
        {
            using var signer = NoteSigner.Generate(parse.GetValue(name)!, NoteKeys.CosignatureType);
            SignerKeyFile.Create(Path.GetFullPath(parse.GetValue(key)!), signer);
            await parse.InvocationConfiguration.Output.WriteLineAsync(signer.VerifierKey);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Serve()
    {
        var key = KeyOption("The witness's key file, made by 'custos witness keygen'.");
        var data = new Option<string>("--data")
        {
            Description = "Directory where the witness keeps the latest checkpoint it cosigned for each log; one witness process per directory.",
            Required = true,
        };
        var logs = new Option<string[]>("--log")
        {
            Description = "A log to witness: its verifier key (origin+hexid+base64key; the name is the log's origin), or a file of such keys, one per line ('#' starts a comment). Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';' (default http://127.0.0.1:7380).",
            DefaultValueFactory = _ => "http://127.0.0.1:7380",
        };
        urls.Validators.Add(result =>
        {
            if (ServerOptions.ValidateUrls(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError(problem);
            }
        });

        var command = new Command("serve", "Serve POST /add-checkpoint (C2SP tlog-witness) until SIGTERM or Ctrl-C.") { key, data, logs, urls };
        command.SetAction(async (parse, cancellation) =>
        {
            var keyFile = Path.GetFullPath(parse.GetValue(key)!);
            using var cosigner = ReadCosigner(keyFile);
            var known = parse.GetValue(logs)!.SelectMany(ReadLogKeys).ToList();
            var directory = Path.GetFullPath(parse.GetValue(data)!);
            Directory.CreateDirectory(directory);
            using var exclusive = LockDirectory(directory);
            using var witness = new Witness(cosigner, known, directory);
            await using var app = WitnessHost.Build(witness, parse.GetValue(urls)!);
            await app.StartAsync(cancellation);
            app.Logger.LogInformation("Witness {VerifierKey} serving {Urls}, witnessing {Logs}", witness.VerifierKey, string.Join(' ', app.Urls), string.Join(' ', known.Select(k => k.Name).Distinct()));
            await app.WaitForShutdownAsync(cancellation);
            return ExitCodes.Success;
        });
        return command;
    }

    private static NoteSigner ReadCosigner(string path)
    {
        if (!File.Exists(path))
        {
            throw new CommandFailedException($"the witness key {path} does not exist; 'custos witness keygen' makes one.");
        }
        if (PrivateFiles.KeyFileProblem(path) is { } problem)
        {
            throw new CommandFailedException(problem);
        }
        NoteSigner signer;
        try
        {
            signer = NoteSigner.Parse(File.ReadAllText(path));
        }
        catch (NoteKeyException e)
        {
            throw new CommandFailedException($"{path} does not hold a witness key: {e.Message}", e);
        }
        if (signer.Type != NoteKeys.CosignatureType)
        {
            signer.Dispose();
            throw new CommandFailedException($"{path} holds a log's signing key, not a witness's cosigner key; 'custos witness keygen' makes one.");
        }
        return signer;
    }

    /// <summary>A key given on the command line, or every key in the file it names.</summary>
    private static IEnumerable<NoteVerifier> ReadLogKeys(string value)
    {
        var lines = !value.Contains('+', StringComparison.Ordinal) && File.Exists(value)
            ? File.ReadAllLines(value).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            : [value.Trim()];
        foreach (var line in lines)
        {
            NoteVerifier verifier;
            try
            {
                verifier = NoteVerifier.Parse(line);
            }
            catch (NoteKeyException e)
            {
                throw new CommandUsageException($"--log '{line}' is neither a log's verifier key nor a file of them: {e.Message}", e);
            }
            if (verifier.Type != NoteKeys.Ed25519Type)
            {
                throw new CommandUsageException($"--log '{line}' is a witness's cosigner key, not a log's verifier key.");
            }
            yield return verifier;
        }
    }

    /// <summary>
    /// The witness checks and advances each head under a lock of its own process: a second
    /// process on the same directory could roll a head back, so it is refused.
    /// </summary>
    private static FileStream LockDirectory(string directory)
    {
        var path = Path.Combine(directory, "witness.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"another witness is serving from {directory} ({e.Message}); one witness process per directory.", e);
        }
    }
}
