using System.Text.Json;
using Custos.Ledger.Proofs;
using Custos.Testing;

namespace Custos.Ledger.Tests.Conformance;

/// <summary>
/// Every inclusion and consistency vector of transparency-dev/merkle in
/// <c>tests/conformance/merkle</c>: each happy path verifies and each <c>wantErr</c> fails.
/// </summary>
public sealed class MerkleVectorTests
{
    private static string Directory(string kind) => Path.Combine(RepositoryPaths.Conformance, "merkle", kind);

    public static TheoryData<string> InclusionVectors() => Vectors("inclusion");

    public static TheoryData<string> ConsistencyVectors() => Vectors("consistency");

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void Inclusion_vector(string file)
    {
        using var vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory("inclusion"), file)));
        var v = vector.RootElement;
        var index = v.GetProperty("leafIdx").GetUInt64();
        var size = v.GetProperty("treeSize").GetUInt64();
        var root = Convert.FromBase64String(v.GetProperty("root").GetString()!);
        var leaf = Convert.FromBase64String(v.GetProperty("leafHash").GetString()!);
        var proof = Hashes(v.GetProperty("proof"));

        var verify = () => ProofVerifier.VerifyInclusion(index, size, leaf, proof, root);

        if (v.GetProperty("wantErr").GetBoolean())
        {
            Should.Throw<ProofVerificationException>(verify, v.GetProperty("desc").GetString());
        }
        else
        {
            verify();
        }
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void Consistency_vector(string file)
    {
        using var vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory("consistency"), file)));
        var v = vector.RootElement;
        var size1 = v.GetProperty("size1").GetUInt64();
        var size2 = v.GetProperty("size2").GetUInt64();
        var root1 = Convert.FromBase64String(v.GetProperty("root1").GetString()!);
        var root2 = Convert.FromBase64String(v.GetProperty("root2").GetString()!);
        var proof = Hashes(v.GetProperty("proof"));

        var verify = () => ProofVerifier.VerifyConsistency(size1, size2, root1, root2, proof);

        if (v.GetProperty("wantErr").GetBoolean())
        {
            Should.Throw<ProofVerificationException>(verify, v.GetProperty("desc").GetString());
        }
        else
        {
            verify();
        }
    }

    [Fact]
    public void The_vector_directories_hold_vectors_of_both_kinds_and_outcomes()
    {
        InclusionVectors().Count.ShouldBeGreaterThan(50);
        ConsistencyVectors().Count.ShouldBeGreaterThan(50);
    }

    private static List<byte[]> Hashes(JsonElement proof) =>
        proof.ValueKind == JsonValueKind.Null ? [] : [.. proof.EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!))];

    private static TheoryData<string> Vectors(string kind)
    {
        var root = Directory(kind);
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }
        return data;
    }
}
