"""The kgo: terms, generated from the ontology: do not edit, run ``python -m kg.rdf.ontology``.

Code names a term as ``KGO.Attack``; a term the ontology does not define raises AttributeError where it
is named, that is when its module is imported (rdflib's DefinedNamespace). A name read from data goes
through ``kg.rdf.namespaces.KGO_NS``, which accepts any local name, and is checked against the ontology
(:class:`kg.rdf.ontology.Vocabulary`) with a message for the curator.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class KGO(DefinedNamespace):
    """The Kerman KG ontology, ``https://w3id.org/kerman-kg/ontology#``."""

    _fail = True
    _NS = Namespace("https://w3id.org/kerman-kg/ontology#")

    # classes
    Account: URIRef  # account
    Accusation: URIRef  # accusation
    Agent: URIRef  # agent
    AirStrike: URIRef  # air strike
    ArmedAssault: URIRef  # armed assault
    ArmedGroup: URIRef  # armed group
    Article: URIRef  # news article
    ArticleGraph: URIRef  # article graph
    Assertion: URIRef  # assertion
    Assessment: URIRef  # assessment
    Attack: URIRef  # attack
    Bombing: URIRef  # bombing
    CallToAction: URIRef  # call to action
    CancelledVisit: URIRef  # cancelled visit
    CasualtyReport: URIRef  # casualty report
    Channel: URIRef  # communication channel
    City: URIRef  # city
    ClaimOfResponsibility: URIRef  # claim of responsibility
    CombinedCasualtyFigure: URIRef  # combined casualty figure
    Commemoration: URIRef  # commemoration
    Condemnation: URIRef  # condemnation
    Country: URIRef  # country
    CuratorRecord: URIRef  # curator's record
    DayOfMourning: URIRef  # day of mourning
    DeathToll: URIRef  # death toll
    Demonstration: URIRef  # demonstration
    Denial: URIRef  # denial
    Designation: URIRef  # designation
    DroneStrike: URIRef  # drone strike
    Event: URIRef  # event
    Explosion: URIRef  # explosion
    FigureQualifier: URIRef  # figure qualifier
    Government: URIRef  # government
    GovernmentBody: URIRef  # government body
    Group: URIRef  # group of people
    InjuryFigure: URIRef  # injury figure
    InternationalBody: URIRef  # international body
    MediaOutlet: URIRef  # media outlet
    MethodAccount: URIRef  # method account
    MilitaryUnit: URIRef  # military unit
    MissileStrike: URIRef  # missile strike
    Organisation: URIRef  # organisation
    Person: URIRef  # person
    Place: URIRef  # place
    Position: URIRef  # position
    ProtestCall: URIRef  # call for protests
    Quote: URIRef  # quote
    RefusalToComment: URIRef  # refusal to comment
    Region: URIRef  # region
    RemoteDetonatedBombing: URIRef  # remotely detonated bombing
    ResearchInstitution: URIRef  # research institution
    Response: URIRef  # response
    RetaliatoryStrike: URIRef  # retaliatory strike
    Site: URIRef  # site
    State: URIRef  # state
    Statement: URIRef  # statement
    Strike: URIRef  # military strike
    SuicideBombing: URIRef  # suicide bombing
    VowOfRetaliation: URIRef  # vow of retaliation

    # object properties
    about: URIRef  # about
    accuses: URIRef  # accuses
    affiliatedWith: URIRef  # affiliated with
    alliedWith: URIRef  # allied with
    answers: URIRef  # answers
    attackTypeAsStated: URIRef  # attack type as stated
    attributesTo: URIRef  # attributes to
    authorisedBy: URIRef  # authorised by
    backedBy: URIRef  # backed by
    basedIn: URIRef  # based in
    branchOf: URIRef  # branch of
    carriedOutBy: URIRef  # carried out by
    casualtiesOf: URIRef  # casualties of
    channel: URIRef  # channel
    commemorates: URIRef  # commemorates
    concerns: URIRef  # concerns
    contradicts: URIRef  # contradicts
    dateRelativeTo: URIRef  # date relative to
    deniesInvolvementOf: URIRef  # denies involvement of
    destination: URIRef  # destination
    evidence: URIRef  # evidence
    formerlyHeldPosition: URIRef  # formerly held position
    givenBy: URIRef  # given by
    hasSubEvent: URIRef  # has sub-event
    heldBy: URIRef  # held by
    holdsPosition: URIRef  # holds position
    inResponseTo: URIRef  # in response to
    killed: URIRef  # killed
    locatedIn: URIRef  # located in
    mediaWingOf: URIRef  # media wing of
    namesPerpetrator: URIRef  # names perpetrator
    occurredAt: URIRef  # occurred at
    partOfOrganisation: URIRef  # part of organisation
    positionIn: URIRef  # position in
    qualifier: URIRef  # qualifier
    recordOf: URIRef  # record of
    recordedIn: URIRef  # recorded in
    relatedIncident: URIRef  # related incident
    retaliationFor: URIRef  # retaliation for
    source: URIRef  # source article
    statedBy: URIRef  # stated by
    statedIn: URIRef  # stated in
    subEventOf: URIRef  # sub-event of
    target: URIRef  # target
    threatens: URIRef  # threatens

    # datatype properties
    attendanceAsWritten: URIRef  # attendance as written
    byline: URIRef  # byline
    dateAsWritten: URIRef  # date as written
    figureAsWritten: URIRef  # figure as written
    figureValue: URIRef  # figure value
    hedge: URIRef  # hedge
    methodAsWritten: URIRef  # method as written
    numberAsWritten: URIRef  # number as written
    occurredOn: URIRef  # occurred on
    publishedTitle: URIRef  # published title
    retrievedOn: URIRef  # retrieved on
    sha256: URIRef  # SHA-256
    statedOn: URIRef  # stated on
    words: URIRef  # words

    # individuals and other terms (qualifiers, annotation properties)
    FigureQualifiers: URIRef  # figure qualifiers
    approximately: URIRef  # approximately
    atLeast: URIRef  # at least
    exactly: URIRef  # exactly
    moreThan: URIRef  # more than
    nearly: URIRef  # nearly
