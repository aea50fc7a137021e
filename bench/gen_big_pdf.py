#!/usr/bin/env python3
"""Writes a PDF of about SIZE_MB megabytes for the memory benchmark: PAGES
pages, each with a line of text and its own incompressible image, so the
file is large the way scanned-and-OCRed archives are (the text is small,
the images are most of the bytes).

  gen_big_pdf.py OUT.pdf SIZE_MB [PAGES]
"""
import os
import sys

import pikepdf

out, size_mb = sys.argv[1], int(sys.argv[2])
pages = int(sys.argv[3]) if len(sys.argv) > 3 else 500
image_bytes = size_mb * 1024 * 1024 // pages
side = int((image_bytes / 3) ** 0.5)
pdf = pikepdf.new()
font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                             BaseFont=pikepdf.Name.Helvetica))
for number in range(pages):
    image = pikepdf.Stream(pdf, os.urandom(side * side * 3))
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width = side
    image.Height = side
    image.ColorSpace = pikepdf.Name.DeviceRGB
    image.BitsPerComponent = 8
    content = (f"q 500 0 0 500 50 200 cm /Im0 Do Q "
               f"BT /F1 12 Tf 50 780 Td (Page {number + 1} of the annual report; "
               f"{'CONFIDENTIAL' if number == pages // 2 else 'public'} section) Tj ET").encode()
    page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Contents=pdf.make_stream(content),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font),
                                     XObject=pikepdf.Dictionary(Im0=image)),
    ))
    pdf.pages.append(page)
pdf.save(out, compress_streams=False)
print(out, os.path.getsize(out) // (1024 * 1024), "MiB,", pages, "pages")
