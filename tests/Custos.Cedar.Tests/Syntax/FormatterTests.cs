using Custos.Cedar.Syntax;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests.Syntax;

/// <summary>
/// <see cref="Formatter"/>: the canonical layout, comments kept where they were, and on every
/// policy file of Cedar's corpus the two properties a formatter owes: it changes no policy,
/// and formatting formatted text changes nothing.
/// </summary>
public sealed class FormatterTests(Corpus corpus) : IClassFixture<Corpus>
{
    [Fact]
    public void A_policy_is_laid_out_with_its_scope_one_constraint_a_line()
    {
        var formatted = Formatter.Format("""
            @id("alice-view")   @advice
            permit(principal==User::"alice",action in [Action::"view",Action::"edit"],resource is Doc in Folder::"f")
            when{context.ip.isInRange(ip("10.0.0.0/8"))&&!(resource.tags.contains("x"))&&context["a b"]>-5}
            unless   {  principal has manager.name  } ;
            forbid (principal, action, resource);
            """);

        formatted.ShouldBe("""
            @id("alice-view")
            @advice
            permit (
              principal == User::"alice",
              action in [Action::"view", Action::"edit"],
              resource is Doc in Folder::"f"
            )
            when
            {
              context.ip.isInRange(ip("10.0.0.0/8")) &&
              !(resource.tags.contains("x")) &&
              context["a b"] > -5
            }
            unless { principal has manager.name };

            forbid (
              principal,
              action,
              resource
            );

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void A_condition_too_long_for_a_line_breaks_after_each_top_level_and_or()
    {
        var formatted = Formatter.Format("""
            permit(principal, action, resource) when { principal.department == "trust-and-safety" && (context.purpose == "a" || context.purpose == "b") || context.breakGlass };
            """);

        formatted.ShouldBe("""
            permit (
              principal,
              action,
              resource
            )
            when
            {
              principal.department == "trust-and-safety" &&
              (context.purpose == "a" || context.purpose == "b") ||
              context.breakGlass
            };

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Comments_stay_on_their_own_lines_or_at_the_end_of_theirs()
    {
        var formatted = Formatter.Format("""
            // Licence header.

            // Why this policy exists.
            @id("p") // the id
            permit(principal, action, resource)
            when {
              // only with a second factor
              context.mfa && // trailing
              context.ok };
            // the end
            """);

        formatted.ShouldBe("""
            // Licence header.

            // Why this policy exists.
            @id("p") // the id
            permit (
              principal,
              action,
              resource
            )
            when
            {
              // only with a second factor
              context.mfa && // trailing
              context.ok
            };

            // the end

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Formatting_changes_only_whitespace_so_sugar_parentheses_and_escapes_stay()
    {
        var formatted = Formatter.Format("""permit(principal,action,resource) when { ((principal has a.b)) && "\u{41}" == "A" && - 5 == -(5) };""");

        formatted.ShouldContain("""when { ((principal has a.b)) && "\u{41}" == "A" && -5 == -(5) };""");
    }

    [Fact]
    public void Text_that_does_not_parse_is_refused_with_its_position()
    {
        var error = Should.Throw<CedarParseException>(() => Formatter.Format("permit(principal, action resource);"));

        error.Position.ShouldBe(new SourcePosition(1, 26));
    }

    [Fact]
    public void Every_corpus_policy_file_formats_to_the_same_policies_and_formatting_is_idempotent()
    {
        var files = Directory.EnumerateFiles(corpus.Directory, "*.cedar", SearchOption.AllDirectories).ToList();
        files.Count.ShouldBeGreaterThan(6_000);
        var checkedFiles = 0;
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            IReadOnlyList<PolicyAst> policies;
            try
            {
                policies = Parser.ParsePolicies(text);
            }
            catch (CedarParseException)
            {
                continue;
            }
            var once = Formatter.Format(text);
            Parser.ParsePolicies(once).ShouldBe(policies, file);
            Formatter.Format(once).ShouldBe(once, file);
            checkedFiles++;
        }
        checkedFiles.ShouldBeGreaterThan(6_000);
    }
}
