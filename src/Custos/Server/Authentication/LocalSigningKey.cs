using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Server.Authentication;

/// <summary>
/// The node's own token-signing key (ECDSA P-256, PKCS#8 PEM, mode 0600) in the data directory.
/// <c>custos token</c> signs with it for local use; the server verifies with it unless an OIDC
/// authority is configured. Whoever can read the data directory can mint tokens, exactly as
/// whoever can read it can read the stores.
/// </summary>
public static class LocalSigningKey
{
    public const string FileName = "token-signing-key.pem";

    /// <summary>Loads the key of <paramref name="dataDirectory"/>, creating it on first use.</summary>
    public static ECDsaSecurityKey LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var pem = fresh.ExportPkcs8PrivateKeyPem();
            try
            {
                // CreateNew: when two processes race to create the key, one wins and both use its key.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var writer = new StreamWriter(path, options);
                writer.Write(pem);
                writer.Flush();
                ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"The token signing key {path} is not a PEM EC private key: {e.Message}", e);
        }
        return new ECDsaSecurityKey(key) { KeyId = KeyId(key) };
    }

    /// <summary>A stable key id: the first 8 bytes of SHA-256 over the public key.</summary>
    private static string KeyId(ECDsa key) =>
        Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}
