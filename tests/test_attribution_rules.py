"""Who claims it, class by class: sentences of this project's own making, each a kind of
attribution the rules once got wrong, read on the real pipeline."""

from __future__ import annotations

from corpus.model import Article


def found(text: str, analyzer) -> list[tuple[str | None, str, str | None]]:
    """(source text, cue text, claimant) of every attribution of ``text``."""
    analysis = analyzer.analyze(Article(id="t", path="t", text=text, title=""))
    return [
        (None if a.source is None else text[a.source[0] : a.source[1]], text[a.cue[0] : a.cue[1]], a.claimant)
        for a in analysis.attributions
    ]


def test_time_stamp_line_above_is_no_part_of_the_source(analyzer):
    # live blogs put the time on a line of its own; the parser reads it into the subject
    text = (
        "The ferry strike went on for a second day.\n\n___.\n\n"
        "9:30 p.m.\n\nHarbour director Lina Okafor says the boats will sail on Friday.\n\n"
        "11 a.m.\n\nFormer Mayor Jon Park says the strike has cost the island dearly.\n"
    )
    got = found(text, analyzer)
    assert ("Harbour director Lina Okafor", "says", "Lina Okafor") in got
    assert ("Former Mayor Jon Park", "says", "Jon Park") in got


def test_speaker_after_the_tag_verb_of_a_split_quote(analyzer):
    text = (
        "“The risk,” said Tomas Berg, an engineer who has studied the dam for years, "
        "“is that the spillway gives way.”\n\n"
        "“Nobody told us anything,” said the woman, who like many in the village asked not to be named.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("Tomas Berg", "said") in got
    assert ("the woman", "said") in got


def test_verbs_of_referring_and_taking_a_side(analyzer):
    text = (
        "The mayor likened the harbour plan to a gamble.\n\n"
        "The fishermen's union backed the new quota on Monday.\n\n"
        "Councillor Ada Lund was referring to the old ferry contract.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("The mayor", "likened") in got
    assert ("The fishermen's union", "backed") in got
    assert ("Councillor Ada Lund", "referring") in got


def test_a_proposal_or_an_endorsement_handed_about_is_no_statement(analyzer):
    text = "The council's proposal was sent to the ministry, and the board's endorsement arrived later.\n"
    assert found(text, analyzer) == []


def test_a_plan_of_ones_own_and_a_possible_report_are_no_claims(analyzer):
    text = (
        "Engineer Tomas Berg first wanted to fix up his boat before the summer.\n\n"
        "The mayor could attempt to portray the closure as a victory.\n"
    )
    assert found(text, analyzer) == []


def test_signs_the_outlet_reads_are_no_source(analyzer):
    text = (
        "A steady trickle of reports shared online suggests the ferries are still late.\n\n"
        "Taken together, the measures appear to suggest that a second strike is near.\n"
    )
    assert found(text, analyzer) == []


def test_what_is_not_published_is_no_report(analyzer):
    text = "As the port authority does not publish its figures, nobody knows how many boats came in.\n"
    assert "publish" not in [c for _, c, _ in found(text, analyzer)]


def test_a_participle_read_as_a_second_verb_takes_no_subject(analyzer):
    text = "Those who stayed aired their grievances in posts and videos shared widely online.\n"
    assert [c for _, c, _ in found(text, analyzer)] == []


def test_those_who_keeps_its_clause_as_the_claimant(analyzer):
    text = "Those who did leave the island during the strike also said they would not leave again.\n"
    assert found(text, analyzer) == [
        ("Those who did leave the island during the strike", "said", "Those who did leave the island during the strike")
    ]


def test_titles_before_a_name_are_left_out_of_the_claimant(analyzer):
    text = (
        "“The nets are empty,” said Fyodor, a fisherman from the north.\n\n"
        "Engineer Fyodor later sold his boat. He said he would not fish again.\n"
    )
    assert ("He", "said", "Fyodor") in found(text, analyzer)


def test_she_finds_the_woman_an_apposition_describes(analyzer):
    # the small model often reads a lone first name as an organisation
    text = (
        "Ferries and strikes\n"
        "But Elena, a hairdresser and mother of two, saw no reason to worry.\n"
        "Her brother works on the ferries. “He will be fine,” she said.\n"
    )
    assert ("she", "said", "Elena") in found(text, analyzer)


def test_his_boss_is_the_boss_of_the_man_named_before(analyzer):
    text = (
        "Sergei felt that staying on the island was a mistake. So he left for the mainland.\n"
        "“I carry my papers on me at all times,” he said.\n"
        "His boss had promised that the company would keep his job open.\n"
    )
    assert ("His boss", "promised", "Sergei's boss") in found(text, analyzer)


def test_the_boss_named_in_an_apposition_is_the_claimant(analyzer):
    text = "His boss, Ivan Petrov, said the company would keep the job open.\n"
    assert found(text, analyzer) == [("His boss", "said", "Ivan Petrov")]


def test_heading_glued_onto_the_next_line_is_no_subject(analyzer):
    text = (
        "The strike ended in May.\n"
        "Ramping up pressure\n"
        "Legal experts, however, point out that the old decree is still in force.\n"
    )
    assert [(s, c) for s, c, _ in found(text, analyzer)] == [("Legal experts", "point out")]


def test_cited_as_saying_is_said_by_the_ones_cited(analyzer):
    text = "The broadcaster cited two harbour officials as saying the port would close in June.\n"
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("two harbour officials", "saying") in got


def test_a_sign_saying_and_a_name_read_as_a_clause(analyzer):
    text = (
        "Ada Lund held up a sign saying the ferry must stay.\n\n"
        "Berg, a harbour pilot, called the new quay “a disgrace.”\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("a sign", "saying") in got
    assert ("Berg", "called") in got


def test_a_name_and_a_colon_before_a_quote(analyzer):
    text = "More from the harbour - Tomas Berg: “Nobody should sail in this wind.”\n"
    assert [(s, c) for s, c, _ in found(text, analyzer)] == [("Tomas Berg", ":")]


def test_title_naming_who_spoke_to_whom(analyzer):
    text = "Park to harbour workers: the ferries will run\n\nThe mayor met the workers on Monday.\n"
    article = Article(id="t", path="t", text=text, title="", body_start=text.index("The mayor"))
    analysis = analyzer.analyze(article)
    assert [(text[slice(*a.source)], text[slice(*a.cue)]) for a in analysis.attributions] == [("Park", ":")]


def test_hearsay_and_known_as_name_no_one(analyzer):
    text = "The island has reportedly lost half its ferries. Its harbour, known as the Gate, is closed.\n"
    got = found(text, analyzer)
    assert (None, "reportedly", None) in got
    assert (None, "known as", None) in got
    reported = next(a for a in analyzer.analyze(Article(id="t", path="t", text=text, title="")).attributions
                    if a.source is None and text[slice(*a.cue)] == "reportedly")
    assert "lost half its ferries" in text[slice(*reported.content[0])]


def test_tallies_and_live_blog_titles_are_no_statements(analyzer):
    text = "The Latest: ferries run again\n\nThe count so far.\n\nAda Lund: 1,769.\n\nTomas Berg: 1,501.\n"
    article = Article(id="t", path="t", text=text, title="", body_start=text.index("The count"))
    assert analyzer.analyze(article).attributions == ()


def test_the_one_told_before_a_colon_is_no_source(analyzer):
    text = "The mayor was critical too, telling Harbour Radio: “The ferries are a disgrace.”\n"
    assert "Harbour Radio" not in [s for s, _, _ in found(text, analyzer)]


def test_a_subject_inside_the_quote_is_not_the_speaker(nlp):
    # the parse the small model gives some such tags, fixed here so the rule is tested on it:
    # the quote's noun read as the subject of the tag verb after it
    from spacy.tokens import Doc

    from corpus.attribution import doc_attributions

    words = ["“", "Good", "pilot", ",", "”", "Berg", ",", "the", "master", ",", "said", "."]
    spaces = [False, True, False, False, True, False, True, True, False, True, False, False]
    heads = [2, 2, 10, 2, 10, 10, 5, 8, 5, 10, 10, 10]
    deps = ["punct", "amod", "nsubj", "punct", "punct", "npadvmod", "punct", "det", "appos", "punct", "ROOT", "punct"]
    tags = ["``", "JJ", "NN", ",", "''", "NNP", ",", "DT", "NN", ",", "VBD", "."]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags, sent_starts=[True] + [False] * 11)
    (found_one,) = doc_attributions(doc, 0, 0, len(doc.text))
    assert doc.text[slice(*found_one.source)] == "Berg"


def test_phrases_that_report_with_their_word_after(analyzer):
    text = (
        "The mayor made it clear that the ferry would stay.\n\n"
        "The union shot back on Tuesday, calling the plan a disgrace.\n\n"
        "Councillor Ada Lund weighed in as well.\n\n"
        "One banner read: “Save our ferry.”\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("The mayor", "made") in got
    assert ("The union", "shot back") in got
    assert ("Councillor Ada Lund", "weighed in") in got
    assert ("One banner", "read") in got


def test_his_criticism_is_voiced_by_the_subject(analyzer):
    text = "Mayor Jon Park kept up his criticism of the ferry company on Friday.\n"
    assert [(s, c) for s, c, _ in found(text, analyzer)] == [("Mayor Jon Park", "criticism")]


def test_a_poll_that_tells_a_standing_and_as_she_put_it(analyzer):
    text = (
        "Park leads Lund by 6 points in a new harbour poll.\n\n"
        "As the pilot Ada Berg put it, the quay is too short.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("a new harbour poll", "in") in got
    assert ("the pilot Ada Berg", "put it") in got


def test_a_passive_report_takes_its_agent_as_the_source(analyzer):
    text = (
        "The closure of the pier was first reported by the Harbour Gazette.\n\n"
        "The ferry captain was criticised by the fishermen's union for the delays.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("the Harbour Gazette", "reported") in got
    assert ("the fishermen's union", "criticised") in got
    # who put a thing out is no source of what it says
    text = "In the latest batch of emails released by the harbour board, the chair appeared calm.\n"
    assert found(text, analyzer) == []


def test_a_participle_after_a_dash_or_a_closing_quote_speaks_for_the_subject(analyzer):
    text = (
        "The mayor defended the budget – saying the fares would not rise.\n\n"
        "The mayor praised the \"brave crew,\" adding that the ferry would sail on Friday.\n\n"
        "The union blamed the ferry company for the delays, wrongly claiming that the boats were old.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("The mayor", "saying") in got
    assert ("The mayor", "adding") in got
    assert ("The union", "claiming") in got


def test_a_participle_after_while_or_opening_the_sentence_speaks_for_the_subject(analyzer):
    text = (
        "While saying that he respects the crews, the mayor doubted their figures.\n\n"
        "Conceding that the quota was too low, the minister promised a review.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("the mayor", "saying") in got
    assert ("the minister", "Conceding") in got


def test_likely_to_say_and_quick_to_point_out_take_the_subject_of_the_copula(analyzer):
    text = (
        "Fishermen were more likely to say the quota was unfair.\n\n"
        "The mayor was quick to point out that the ferry runs on time.\n\n"
        "It is hard to say whether the ferry will run.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert got == [("Fishermen", "say"), ("The mayor", "point out")]


def test_a_speech_act_made_or_taken_is_a_report(analyzer):
    text = (
        "Councillor Ada Lund made the allegation in a letter to the harbour board.\n\n"
        "The union took a swipe at the ferry company on Monday.\n\n"
        "Tomas Berg delivered a speech at the harbour and took charge of the board.\n"
    )
    got = found(text, analyzer)
    assert ("Councillor Ada Lund", "made the allegation", "Ada Lund") in got
    assert ("The union", "took a swipe", "union") in got
    assert len(got) == 2  # a speech delivered, a charge taken: no statement of anyone's


def test_a_vote_or_a_decision_is_the_stance_of_who_takes_it(analyzer):
    text = "The council voted against the new quota.\n\nThe board decided to close the pier for the winter.\n"
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert got == [("The council", "voted"), ("The board", "decided")]


def test_shares_of_those_polled_and_names_the_parser_left_without_a_verb(analyzer):
    text = (
        "About 4 in 10 say the ferry is too slow.\n\n"
        "Alarmed by the delays, Councillor Ada Lund, the harbour chair, said the port would stay open.\n"
    )
    got = found(text, analyzer)
    assert ("About 4 in 10", "say", "About 4 in 10") in got
    assert ("Councillor Ada Lund", "said", "Ada Lund") in got


def test_a_reporting_clause_set_off_inside_what_it_reports(analyzer):
    text = (
        "The cost of the new pier, port officials say, is rising.\n\n"
        "The trouble with the quota, says Tomas Berg, an economist, is that nobody checks it.\n\n"
        "“We are ready,” Ada Lund, the harbour chair, told the Gazette.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert got == [("port officials", "say"), ("Tomas Berg", "says"), ("Ada Lund", "told")]


def test_a_stance_held_as_an_adjective(analyzer):
    text = (
        "The fishermen's union remains skeptical of the plan.\n\n"
        "The harbour board was confident that the pier would open in May.\n\n"
        "It is certain that the ferry will run.\n\n"
        "One explanation among experts is that the mayor is stalling the decision. "
        "Or, that he is wary of the political risk.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    # the last: the experts' reading of the mayor, no stance the mayor voiced
    assert got == [("The fishermen's union", "skeptical"), ("The harbour board", "confident")]


def test_the_one_spoken_of_or_to_before_a_colon_is_no_source(analyzer):
    text = (
        "The harbour chair, Ada Lund, said of Tomas Berg: “He never listens to the crews.”\n\n"
        "The mayor sent a blunt message to Tomas Berg: “Open the pier or resign.”\n"
    )
    got = found(text, analyzer)
    assert ("The harbour chair", "said", "Ada Lund") in got
    assert [s for s, _, _ in got if s and "Berg" in s] == []


def test_called_for_someone_to_act_is_a_demand_and_its_clause_the_content(analyzer):
    text = "The harbour chair also called for all boats to return to port.\n"
    analysis = analyzer.analyze(Article(id="t", path="t", text=text, title=""))
    assert [(text[slice(*a.source)], text[slice(*a.cue)]) for a in analysis.attributions] == [
        ("The harbour chair", "called")
    ]
    assert text[slice(*analysis.attributions[0].content[0])] == "for all boats to return to port"


def test_speaking_about_or_of_something_is_a_report_speaking_to_someone_alone_is_not(analyzer):
    text = (
        "The mayor spoke at the harbour on Tuesday about the new quota.\n\n"
        "Ada Lund often speaks of her years on the ferries.\n\n"
        "Tomas Berg spoke to the crews before the boats left.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert got == [("The mayor", "spoke"), ("Ada Lund", "speaks")]


def test_a_headline_verb_the_tagger_read_as_a_noun(analyzer):
    text = "Harbour Chief Ada Lund Slams New Fishing Quota\n\nLund predicts that the ferry will run again in May.\n"
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert got == [("Harbour Chief Ada Lund", "Slams"), ("Lund", "predicts")]


def test_a_statement_issued_saying_is_one_report_of_its_issuer(analyzer):
    text = (
        "Minutes later, the harbour board issued a statement saying that the ferry would run.\n\n"
        "The union put out a statement saying the strike was over.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert got == [("the harbour board", "issued a statement saying"), ("The union", "saying")]


def test_who_wants_or_prefers_a_thing_holds_a_stance_named_by_its_noun(analyzer):
    text = (
        "Fishermen who want a higher quota marched to the harbour.\n\n"
        "Those who prefer the old ferry stayed at home.\n"
    )
    assert found(text, analyzer) == [
        ("who", "want", "Fishermen"),
        ("who", "prefer", "Those who prefer the old ferry"),
    ]


def test_a_thing_that_says_is_named_with_its_that_and_a_strike_that_continued_says_nothing(analyzer):
    text = (
        "The union released a video this week that accused the mayor of lying.\n\n"
        "The strike continued for a third day.\n"
    )
    got = found(text, analyzer)
    assert ("a video this week that", "accused", "video") in got
    assert [c for _, c, _ in got if c == "continued"] == []


def test_an_emoji_beside_a_source_is_no_part_of_it_or_of_its_claimant(analyzer):
    text = (
        "The council \U0001F642 said nothing else.\n\n"
        "The mayor \U0001F44D\U0001F3FD said the fares would fall.\n"
    )
    got = found(text, analyzer)
    assert ("The council", "said", "council") in got
    assert ("The mayor", "said", "mayor") in got


def test_a_dateline_the_parser_made_the_subject_gives_way_to_the_name_after_its_dash(analyzer):
    # wire copy opens with "PLACE, Region - Name …"; the parser often makes the place the subject
    text = (
        "The ferry strike went on for a second day.\n\n"
        "HARBURG, Lower Saxony - Harbour director Lina Okafor, a former pilot, said on Monday that "
        "the boats would sail again on Friday.\n"
    )
    got = found(text, analyzer)
    sources = [s for s, c, _ in got if c == "said"]
    assert sources and all(s is not None and "HARBURG" not in s and "Okafor" in s for s in sources), got
    assert all(claimant is None or "HARBURG" not in claimant for _, _, claimant in got), got


def test_adding_after_a_closing_quote_is_the_tellers_not_the_quoted_clauses(analyzer):
    # '… told the paper that X "…," adding, "…"': the parser hangs "adding" in the told clause
    text = (
        "Mayor Jon Park told the Gazette that the harbour board “had a foolish plan which was reckless,” "
        "adding, “They lost every vote they ever held.”\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("Mayor Jon Park", "told") in got, got
    assert ("Mayor Jon Park", "adding") in got, got
    assert not any(c == "adding" and s != "Mayor Jon Park" for s, c in got), got


def test_questions_and_doubts_raised_are_a_report_of_who_raises_them(analyzer):
    text = "Councillor Ada Lund raised questions about the ferry contract on Tuesday.\n"
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("Councillor Ada Lund", "raised questions") in got, got


def test_that_said_and_enough_said_are_turns_of_phrase(analyzer):
    text = (
        "That said, the ferry will keep its old timetable until the spring.\n\n"
        "The harbour is closed for repairs. Enough said.\n"
    )
    assert not any(c.lower() == "said" for _, c, _ in found(text, analyzer))


def test_asked_or_criticised_by_no_one_named_is_an_attribution_with_no_source(analyzer):
    text = (
        "Mayor Jon Park was asked about the ferry fares at the meeting.\n\n"
        "Asked about the delay, the harbour director blamed the weather.\n\n"
        "The new timetable was criticized for leaving out the night boats.\n\n"
        "The ferry was painted blue in the spring.\n"
    )
    got = found(text, analyzer)
    assert (None, "asked", None) in got, got
    assert (None, "Asked", None) in got, got
    assert (None, "criticized", None) in got, got
    assert not any(c == "painted" for _, c, _ in got), got


def test_characterizing_challenging_brushing_off_and_singling_out_are_reports(analyzer):
    text = (
        "Critics characterized the harbour plan as reckless.\n\n"
        "Mayor Jon Park challenged the board's figures on Monday.\n\n"
        "The ferry union brushed off the complaints.\n\n"
        "Councillor Ada Lund singled out the night boats for praise.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("Critics", "characterized") in got, got
    assert ("Mayor Jon Park", "challenged") in got, got
    assert ("The ferry union", "brushed off") in got, got
    assert ("Councillor Ada Lund", "singled out") in got, got


def test_a_second_verb_of_saying_hung_inside_the_first_ones_clause_is_the_first_speakers(analyzer):
    text = (
        "Mayor Jon Park said the new fares had worked well and said that the ferry would keep them.\n\n"
        "Councillor Ada Lund has called on the board to act quickly and proposed a levy on cruise ships.\n"
    )
    got = found(text, analyzer)
    pairs = [(s, c) for s, c, _ in got]
    assert pairs.count(("Mayor Jon Park", "said")) == 2, got
    assert ("Councillor Ada Lund", "proposed") in pairs, got
    first = next(a for a in _attributions(text, analyzer) if text[a.cue[0] : a.cue[1]] == "said")
    assert all("said that" not in text[s:e] for s, e in first.content), first


def _attributions(text: str, analyzer):
    return analyzer.analyze(Article(id="t", path="t", text=text, title="")).attributions


def test_seen_as_by_no_one_named_is_a_view_with_no_source(analyzer):
    text = (
        "The harbour plan is widely seen as a gamble.\n\n"
        "The ferry was seen in the harbour on Monday.\n"
    )
    got = found(text, analyzer)
    assert (None, "seen", None) in got, got
    assert len([c for _, c, _ in got if c == "seen"]) == 1, got


def test_an_embedded_post_signed_with_a_dash_a_name_and_a_handle(analyzer):
    text = (
        "The harbour board answered online within the hour.\n\n"
        "The night boats stay. Fares do not rise this year. — Harbour Board (@harbourboard) May 3, 2024\n"
    )
    got = found(text, analyzer)
    assert ("Harbour Board", "—", "Harbour Board") in got, got
    dash = next(a for a in _attributions(text, analyzer) if text[a.cue[0] : a.cue[1]] == "—")
    assert any("Fares do not rise" in text[s:e] for s, e in dash.content), dash


def test_feelings_about_a_matter_are_a_stance_of_who_has_them(analyzer):
    text = (
        "The ferry union was furious about the new timetable.\n\n"
        "Mayor Jon Park is pleased that the night boats run again.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("The ferry union", "furious") in got, got
    assert ("Mayor Jon Park", "pleased") in got, got
