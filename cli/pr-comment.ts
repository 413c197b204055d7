import { main } from './args';
import { prCommentCli } from './pr-comment-command';

main(prCommentCli);
