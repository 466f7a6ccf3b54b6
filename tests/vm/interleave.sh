# Guest scenario: a 2-way interleaved ram region over two type-3 devices.
cxl create-region -m -d decoder0.0 -w 2 -g 256 mem0 mem1 -t ram -s 512M
