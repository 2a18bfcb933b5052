"""French and English stop words left out of an alert's top terms (lower case, with accents).

Written for this purpose (function words, auxiliaries, pronouns, very common adverbs and
social-media filler); a word of three letters or more only, as shorter ones are never terms.
"""

from __future__ import annotations

FRENCH = frozenset(
    """
    alors aussi autre autres aux avec avez avions avoir avons ayant bah beaucoup bien bon bonne
    car ceci cela celle celles celui cependant certes ces cet cette ceux chaque chez comme comment
    dans depuis des deux devrait dire divers doit donc dont du elle elles encore entre est
    etaient etait étaient était etant étant ete été etre être eux fait faire fais faut fois font
    hors ici ils jamais les leur leurs lui mais malgre malgré meme même mes moi moins mon
    nos notre nous nouveau oui par parce pas peu peut peuvent plus pour pourquoi quand que quel
    quelle quelles quels qui quoi rien sans sera seront ses seulement sien soi soit son sont sous
    suis sur tant tes toi ton tous tout toute toutes tres très trop une vers voici voila voilà
    vos votre vous vraiment ont ait aie avais avait avaient aurait auraient serait seraient
    etes êtes sommes été cest c'est ceux-ci apres après avant deja déjà encore ici juste non
    quoi puis alors chose choses genre ben mdr lol ptdr tjrs toujours aujourd hui pendant
    durant lors selon contre ainsi
    """.split()
)

ENGLISH = frozenset(
    """
    about above after again against all also among and any are aren't because been before
    being below between both but can can't cannot could couldn't did didn't does doesn't doing
    don't down during each even ever every few for from further get gets got had hadn't has
    hasn't have haven't having her here hers herself him himself his how i'm i've into isn't
    it's its itself just let's like made make many may might more most much must mustn't myself
    never new nor not now off once one only other ought our ours ourselves out over own really
    said same say says she should shouldn't since some still such than that that's the their
    theirs them themselves then there there's these they they're this those though through too
    under until upon very was wasn't way well were weren't what what's when where which while
    who whom why will with won't would wouldn't yes yet you you're your yours yourself
    yourselves lol omg via amp today get got going gonna want just think know
    """.split()
)

WEB = frozenset({"http", "https", "www", "com", "org", "net", "html", "amp"})

STOP_WORDS = FRENCH | ENGLISH | WEB
