using System.Collections.Frozen;

namespace Custos.Formats;

/// <summary>
/// The 249 officially assigned ISO 3166-1 alpha-2 country codes: where a caller is (the <c>loc</c>
/// claim) and where a subject's data may be read from are named with them. A code not in the list
/// (<c>ZZ</c>, a user-assigned <c>XA</c>, lower case, anything longer) is not a place, and a policy
/// that compares locations must never see one.
/// </summary>
/// <remarks>Checked against tzdata's <c>iso3166.tab</c> (2026), which lists the same 249 codes.</remarks>
public static class CountryCodes
{
    private static readonly FrozenSet<string> Assigned = """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
        BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
        DE DJ DK DM DO DZ
        EC EE EG EH ER ES ET
        FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
        HK HM HN HR HT HU
        ID IE IL IM IN IO IQ IR IS IT
        JE JM JO JP
        KE KG KH KI KM KN KP KR KW KY KZ
        LA LB LC LI LK LR LS LT LU LV LY
        MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
        NA NC NE NF NG NI NL NO NP NR NU NZ
        OM
        PA PE PF PG PH PK PL PM PN PR PS PT PW PY
        QA
        RE RO RS RU RW
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
        TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
        UA UG UM US UY UZ
        VA VC VE VG VI VN VU
        WF WS
        YE YT
        ZA ZM ZW
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);

    public static int Count => Assigned.Count;

    /// <summary>True for an officially assigned code, in upper case as the standard writes it.</summary>
    public static bool IsAssigned(string? code) => code is { Length: 2 } && Assigned.Contains(code);
}
