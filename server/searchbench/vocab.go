package searchbench

import (
	"math"
	"math/rand/v2"
	"strings"
)

// commonWords open the vocabulary, most frequent first: the words a team
// chat is made of. They give the "common word" queries something real.
var commonWords = strings.Fields(`the to and a i you it is of that in we for on this be
have with not are was but so just can do at if what me my get will know think no yes like
up out all about one there ok now they go how from as here see time good when then an or
some would need today did back also new make right work thanks team deploy build test fix
release server database review meeting lunch issue branch merge update check looks should
let could which first still doing sure people more call week tomorrow going because after
any something last way well day got please yeah maybe again really before other only over
error change done ready try problem ticket customer report data code bug next`)

// syllables build the rest of the vocabulary: two- and three-syllable
// words that share prefixes the way real words do, so that prefix queries
// expand to many words as they would in a real language.
var syllables = strings.Fields(`ka to mi ru se no fa li de po ga zu be ti wo ne ha ri so mu
ve la ki do pe su ja co ni te bo ra xi lu me fo gi da yu ze`)

// Vocabulary is a list of words by rank: word i (from 0) is drawn with a
// probability proportional to 1/(i+1), Zipf's law with exponent 1, which
// is how word frequencies in natural text fall off.
type Vocabulary struct {
	Words []string
	logN  float64
}

// NewVocabulary returns the common words followed by generated ones, n in
// all.
func NewVocabulary(n int) *Vocabulary {
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	add := func(w string) {
		if !seen[w] && len(words) < n {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, w := range commonWords {
		add(w)
	}
	s := len(syllables)
	for k := 0; len(words) < n; k++ {
		w := syllables[k%s] + syllables[(k/s)%s]
		if k >= s*s {
			w += syllables[(k/(s*s))%s]
		}
		add(w)
	}
	return &Vocabulary{Words: words, logN: math.Log(float64(len(words)))}
}

// Draw picks a word: its rank is log-uniform over the vocabulary, which is
// Zipf's law with exponent 1 in the continuous limit.
func (v *Vocabulary) Draw(r *rand.Rand) string {
	i := int(math.Exp(r.Float64()*v.logN)) - 1
	return v.Words[min(max(i, 0), len(v.Words)-1)]
}

// Body writes a message of a chat's usual length: 1 + an exponential
// number of words with mean meanWords, at most maxWords, the first
// capitalized now and then, ending in punctuation now and then.
func (v *Vocabulary) Body(r *rand.Rand, b *strings.Builder, meanWords float64, maxWords int) {
	n := min(maxWords, 1+int(r.ExpFloat64()*meanWords))
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := v.Draw(r)
		if i == 0 && r.IntN(3) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	switch r.IntN(6) {
	case 0:
		b.WriteByte('.')
	case 1:
		b.WriteByte('?')
	case 2:
		b.WriteByte('!')
	}
}
