<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0"
      xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
      xsi:schemaLocation="http://www.w3.org/2005/01/pronunciation-lexicon
        http://www.w3.org/TR/2007/CR-pronunciation-lexicon-20071212/pls.xsd"
      alphabet="ipa" xml:lang="en-GB">
  <!-- The shape ElevenLabs documents for pronunciation dictionaries (alias and IPA phoneme lexemes). -->
  <lexeme>
    <grapheme>tomato</grapheme>
    <phoneme>/tə'meɪtoʊ/</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Tomato</grapheme>
    <phoneme>/tə'meɪtoʊ/</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Claughton</grapheme>
    <alias>Cloffton</alias>
  </lexeme>
  <lexeme>
    <grapheme>UN</grapheme>
    <alias>United Nations</alias>
  </lexeme>
  <lexeme>
    <grapheme>Nguyen</grapheme>
    <alias>win</alias>
  </lexeme>
  <lexeme>
    <grapheme>Thailand</grapheme>
    <phoneme alphabet="ipa">ˈtaɪ.lænd</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Madison</grapheme>
    <phoneme alphabet="cmu-arpabet">M AE1 D IH0 S AH0 N</phoneme>
  </lexeme>
</lexicon>
