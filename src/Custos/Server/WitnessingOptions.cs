using Custos.Ledger.Notes;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// The witnesses the server submits its checkpoints to (C2SP tlog-witness), bound from the
/// <c>Witnessing</c> section: <c>Witnessing:Witnesses:0:Url</c>, <c>…:Key</c>, <c>Witnessing:Quorum</c>.
/// None by default: the checkpoint then carries the log's signature alone.
/// </summary>
public sealed class WitnessingOptions
{
    public const string Section = "Witnessing";

    /// <summary>The witnesses each new checkpoint is submitted to, at most once per <c>Ledger:CheckpointInterval</c>.</summary>
    public IList<WitnessOptions> Witnesses { get; } = [];

    /// <summary>How many cosignatures make a checkpoint witnessed; 0 (default): all the witnesses'.</summary>
    public int Quorum { get; set; }

    /// <summary>How long a witness may take to answer before it counts as down for that checkpoint; decisions never wait for it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The quorum in force: <see cref="Quorum"/>, or every witness when it is 0.</summary>
    internal int EffectiveQuorum => Quorum == 0 ? Witnesses.Count : Quorum;

    /// <summary>Fails the start with the sentence <see cref="Validate"/> says.</summary>
    internal sealed class Validation : IValidateOptions<WitnessingOptions>
    {
        public ValidateOptionsResult Validate(string? name, WitnessingOptions options) =>
            options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    /// <summary>What is wrong with the settings, in a sentence, or null.</summary>
    internal string? Validate()
    {
        for (var i = 0; i < Witnesses.Count; i++)
        {
            var witness = Witnesses[i];
            if (witness.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                return $"Witnessing:Witnesses:{i}:Url must be the witness's http:// or https:// submission prefix.";
            }
            try
            {
                if (NoteVerifier.Parse(witness.Key ?? "").Type != NoteKeys.CosignatureType)
                {
                    return $"Witnessing:Witnesses:{i}:Key is a log's key, not a witness's cosigner key (custos witness keygen prints one).";
                }
            }
            catch (NoteKeyException e)
            {
                return $"Witnessing:Witnesses:{i}:Key is not a witness's verifier key: {e.Message}";
            }
        }
        if (Witnesses.Select(w => w.Key).Distinct(StringComparer.Ordinal).Count() != Witnesses.Count)
        {
            return "Witnessing:Witnesses names a witness key twice: a quorum counts each witness once.";
        }
        if (Quorum < 0 || Quorum > Witnesses.Count)
        {
            return $"Witnessing:Quorum must be from 0 (all) to the {Witnesses.Count} witnesses configured.";
        }
        return Timeout > TimeSpan.Zero ? null : "Witnessing:Timeout must be positive (for example 00:00:10).";
    }
}

/// <summary>One witness: <c>Witnessing:Witnesses:0:Url</c> and <c>Witnessing:Witnesses:0:Key</c>.</summary>
public sealed class WitnessOptions
{
    /// <summary>The witness's submission prefix: <c>add-checkpoint</c> is POSTed under it.</summary>
    public Uri? Url { get; set; }

    /// <summary>The witness's verifier key, <c>name+hexid+base64key</c>, as <c>custos witness keygen</c> printed it.</summary>
    public string? Key { get; set; }
}
