/* main.c — the attnbench command line. */
#include <stdio.h>
int main(void)
{
    puts("attnbench");
    return 0;
}
