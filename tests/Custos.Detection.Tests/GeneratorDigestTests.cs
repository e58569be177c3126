using System.Security.Cryptography;
using Custos.Detection.Synthetic;

namespace Custos.Detection.Tests;

/// <summary>
/// Pins what the generator writes for fixed seeds: the SHA-256 of world.json, events.jsonl and
/// labels.json as <see cref="SyntheticDataset.WriteTo"/> writes them. The digests were taken
/// from the generator before it was split into one class per campaign kind, so a refactoring
/// that changes any byte of a stream (one random draw more or fewer, one draw moved) fails here;
/// a deliberate change to the generator must say so by updating them.
/// </summary>
public sealed class GeneratorDigestTests
{
    [Theory]
    [InlineData(11, 0, Adversary.None, 1.0, 80, 30, "776a364a29ee0667b83700f92b40b287879ccdd121cf92e479c47767cfed9ea7")]
    [InlineData(12, 1, Adversary.Covert, 2.0, 80, 30, "5cb51937c23a284b474e582f052ae51ad4c33db4e77d85a5696167848dfbccec")]
    [InlineData(13, 2, Adversary.None, 1.0, 150, 60, "03b3dc7c590cf4b11f9433558be6d11fd20dbebdfe717ba50de1e86624cdeadb")]
    [InlineData(14, 3, Adversary.Covert, 1.0, 150, 60, "6f90800daffaaf86b6f23fea03e60f852b11e436df7ee4ee7c296c5e808e5180")]
    public void A_seed_gives_the_stream_it_always_gave(int seed, int variant, Adversary adversary, double noise, int staff, int days, string expected)
    {
        var options = new GeneratorOptions { Seed = seed, Variant = variant, Adversary = adversary, Noise = noise, Staff = staff, Days = days };
        var directory = Directory.CreateTempSubdirectory("custos-digest-");
        try
        {
            Generator.Generate(options).WriteTo(directory.FullName);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var file in new[] { "world.json", "events.jsonl", "labels.json" })
            {
                sha.AppendData(File.ReadAllBytes(Path.Combine(directory.FullName, file)));
            }
            Convert.ToHexStringLower(sha.GetHashAndReset()).ShouldBe(expected);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
