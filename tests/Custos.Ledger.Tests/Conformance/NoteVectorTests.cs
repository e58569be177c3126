using System.Text.Json;
using Custos.Ledger.Notes;
using Custos.Testing;

namespace Custos.Ledger.Tests.Conformance;

/// <summary>The signed-note vector of golang.org/x/mod/sumdb/note in <c>tests/conformance/note</c>.</summary>
public sealed class NoteVectorTests
{
    private static readonly JsonElement Vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Conformance, "note", "peterneumann.json"))).RootElement;

    private static string Get(string name) => Vector.GetProperty(name).GetString()!;

    [Fact]
    public void Signing_the_text_reproduces_the_note_byte_for_byte()
    {
        using var signer = NoteSigner.Parse(Get("signer_key"));

        signer.VerifierKey.ShouldBe(Get("verifier_key"));
        signer.ExportSignerKey().ShouldBe(Get("signer_key"));
        signer.Sign(Get("text")).ShouldBe(Get("note"));
    }

    [Fact]
    public void The_note_opens_with_the_verifier_key()
    {
        var verifier = NoteVerifier.Parse(Get("verifier_key"));

        SignedNote.Open(Get("note"), verifier).ShouldBe(Get("text"));
        verifier.Name.ShouldBe("PeterNeumann");
        verifier.KeyId.ShouldBe(0xc74f20a3u);
    }

    public static TheoryData<int> Rejects() => [.. Enumerable.Range(0, Vector.GetProperty("must_reject").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Rejects))]
    public void Every_must_reject_note_fails_verification(int which)
    {
        var verifier = NoteVerifier.Parse(Get("verifier_key"));
        var note = Vector.GetProperty("must_reject")[which].GetString()!;

        Should.Throw<NoteVerificationException>(() => SignedNote.Open(note, verifier));
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // id does not match
    [InlineData("PeterNeumann+c74f20a3+AhpcxQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // not Ed25519
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("PeterNeumann+zzzzzzzz+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("")]
    public void A_malformed_verifier_key_is_refused(string key)
    {
        Should.Throw<NoteKeyException>(() => NoteVerifier.Parse(key));
    }

    [Fact]
    public void A_note_signed_by_another_key_of_the_same_name_is_rejected()
    {
        using var impostor = NoteSigner.Generate("PeterNeumann");
        var note = impostor.Sign(Get("text"));

        Should.Throw<NoteVerificationException>(() => SignedNote.Open(note, NoteVerifier.Parse(Get("verifier_key"))));
    }

    [Fact]
    public void Signatures_of_unknown_keys_are_skipped_but_a_known_key_must_sign()
    {
        using var other = NoteSigner.Generate("Other");
        var signed = Get("note");
        var otherLine = other.Sign(Get("text"))[(Get("text").Length + 1)..];
        var both = signed + otherLine;

        SignedNote.Open(both, NoteVerifier.Parse(Get("verifier_key"))).ShouldBe(Get("text"));
        SignedNote.Open(both, other.Verifier).ShouldBe(Get("text"));
    }
}
