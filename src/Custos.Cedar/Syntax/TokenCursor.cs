namespace Custos.Cedar.Syntax;

/// <summary>
/// A reader's position in a list of tokens, with the checks every recursive-descent reader of
/// Cedar text makes: the policy parser and the schema parser both read through one. The list
/// ends with an End token, which <see cref="Peek"/> never reads past.
/// </summary>
internal sealed class TokenCursor(List<Token> tokens)
{
    private int _index;

    public Token Current => tokens[_index];

    public Token Peek(int ahead = 1) => tokens[Math.Min(_index + ahead, tokens.Count - 1)];

    /// <summary>The current token, moving past it.</summary>
    public Token Next() => tokens[_index++];

    public void Skip(int count = 1) => _index += count;

    /// <summary>The error of finding something other than <paramref name="expected"/> at a token (by default the current one).</summary>
    public CedarParseException Error(string expected, Token? at = null)
    {
        var token = at ?? Current;
        return new CedarParseException($"expected {expected}, found {token.Describe()}", token.Position);
    }

    public Token Expect(TokenKind kind, string description) =>
        Current.Kind == kind ? Next() : throw Error(description);

    public bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }
        _index++;
        return true;
    }

    public bool IsKeyword(string word) => Current.Kind == TokenKind.Identifier && Current.Text == word;

    public void ExpectKeyword(string word)
    {
        if (!IsKeyword(word))
        {
            throw Error($"`{word}`");
        }
        _index++;
    }
}
