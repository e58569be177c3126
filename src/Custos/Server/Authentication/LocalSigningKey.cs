using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Server.Authentication;

/// <summary>
/// The node's own token key (256 random bits, hex, mode 0600) in the data directory.
/// <c>custos token</c> signs with it for local use; the server verifies with it unless an OIDC
/// authority is configured. Whoever can read the data directory can mint tokens, exactly as
/// whoever can read it can read the stores.
/// </summary>
/// <remarks>
/// HMAC-SHA256, not a key pair: the only signer and the only verifier are this node and its own
/// command line, which share the data directory, so a public key would protect nothing more —
/// while an ES256 token took 72.7 µs of CPU to validate against 2.6 µs for HS256 (measured on
/// the 2-core CI machine, 2026-11-27): a third of a core at 5,000 decisions/s (docs/performance.md).
/// </remarks>
public static class LocalSigningKey
{
    public const string FileName = "token-signing.key";

    /// <summary>Where the key of <paramref name="dataDirectory"/> lives.</summary>
    public static string PathIn(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), FileName);

    /// <summary>Loads the key of <paramref name="dataDirectory"/>, creating it (and the directory, mode 0700) on first use.</summary>
    public static SymmetricSecurityKey LoadOrCreate(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        if (!File.Exists(path))
        {
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                // CreateNew: when two processes race to create the key, one wins and both use its key.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var writer = new StreamWriter(path, options);
                writer.Write(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
                writer.Flush();
                ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }
        return Read(path);
    }

    /// <summary>
    /// Loads the existing key of <paramref name="dataDirectory"/>: a command line that made a new key
    /// would mint tokens the server refuses, so a missing key is an error here.
    /// </summary>
    public static SymmetricSecurityKey Load(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        return File.Exists(path)
            ? Read(path)
            : throw new InvalidOperationException($"there is no token key {path}: name the server's data directory with --data, or start 'custos serve' on this one first (it makes the key).");
    }

    /// <remarks>Refuses a key that others could read or have written: it can no longer tell this node's tokens from anyone's.</remarks>
    private static SymmetricSecurityKey Read(string path)
    {
        PrivateFiles.RequirePrivateKeyFile(path);
        byte[] key;
        try
        {
            key = Convert.FromHexString(File.ReadAllText(path).Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"The token key {path} is not 64 hexadecimal digits.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the token key {path}: {e.Message}", e);
        }
        if (key.Length != 32)
        {
            throw new InvalidOperationException($"The token key {path} holds {key.Length} bytes, not 32.");
        }
        return new SymmetricSecurityKey(key) { KeyId = Convert.ToHexStringLower(SHA256.HashData(key))[..16] };
    }
}
