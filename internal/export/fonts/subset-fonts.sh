#!/bin/sh
# Rebuilds the two subset fonts in this folder from Debian's packages
# (apt-get install fonts-nanum fonts-symbola fonttools). Run from this folder.
# The subsets keep the PDF fallback chain small: Hangul only from NanumGothic
# (Droid Sans Fallback has Chinese and Japanese but not Hangul), and the
# emoji and pictograph blocks only from Symbola. A subset is a modified font,
# so the OFL's reserved names (Nanum, NanumGothic) are replaced.
set -eu
pyftsubset /usr/share/fonts/truetype/nanum/NanumGothic.ttf \
	--unicodes='U+0020,U+1100-11FF,U+3130-318F,U+A960-A97F,U+AC00-D7FF' \
	--layout-features='*' --no-hinting --output-file=YardstickHangul.ttf
pyftsubset /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf \
	--unicodes='U+0020,U+2190-21FF,U+2300-23FF,U+25A0-27BF,U+2B00-2BFF,U+1F000-1FAFF,U+FE0F' \
	--layout-features='*' --no-hinting --output-file=YardstickEmoji.ttf
/usr/bin/python3 - <<'PY'
from fontTools.ttLib import TTFont
for path, family in (("YardstickHangul.ttf", "Yardstick Hangul"), ("YardstickEmoji.ttf", "Yardstick Emoji")):
    f = TTFont(path)
    for rec in f["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = family
        elif rec.nameID == 3:
            rec.string = family + " subset"
        elif rec.nameID == 6:
            rec.string = family.replace(" ", "")
    f.save(path)
PY
